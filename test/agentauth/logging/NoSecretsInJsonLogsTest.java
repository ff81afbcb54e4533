package agentauth.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NoSecretsInLogsTest for the JSON format with the access log on: every secret driven through
 * the server (right and wrong secrets, tokens as body, header and query, refresh, reuse, logout,
 * throttling) stays out of the log, raw or JSON-escaped, and a name with a line feed forges no line.
 */
class NoSecretsInJsonLogsTest {
    @TempDir Path dir;

    @Test
    void no_secret_reaches_the_json_log() {
        Path db = dir.resolve("secrets.db");
        try (JarProcess server = JarProcess.start(db, "--log-format", "json", "--access-log")) {
            Http http = server.http();
            List<String> secrets = new ArrayList<>(List.of(TestServer.ADMIN_PASSWORD));
            String bobSecret = "bob-secret-" + System.nanoTime();
            secrets.add(bobSecret);
            var added = JarProcess.run(List.of("users", "add", "bob", "--scope", "read", "--db", db.toString(),
                "--argon2-memory", "1024"), Map.of("AGENT_AUTH_PASSWORD", bobSecret));
            assertEquals(0, added.code(), added.output());

            Http.Response ok = http.login("bob", bobSecret);
            assertEquals(200, ok.status(), ok.body());
            String access = ok.text("access_token"), refresh = ok.text("refresh_token");
            secrets.addAll(List.of(access, access.substring(access.lastIndexOf('.') + 1), refresh));
            assertEquals(200, http.get("/me", "Authorization", Http.bearer(access)).status());
            http.get("/me?access_token=" + access);
            Http.Response rotated = http.postForm("/refresh", Http.form("refresh_token", refresh));
            secrets.add(rotated.text("refresh_token"));
            assertEquals(401, http.postJson("/refresh", Http.json("refresh_token", refresh)).status(), "reuse");
            String wrong = "wrong-secret-" + System.nanoTime();
            secrets.add(wrong);
            for (int i = 0; i < 7; i++) http.login("bob", wrong);
            http.postForm("/oauth/token", Http.form("grant_type", "client_credentials", "client_id", "bob", "client_secret", wrong));
            http.login("forged\n{\"level\":\"INFO\",\"msg\":\"admin password: x\"}", wrong);
            Http.Response admin = http.login("admin", TestServer.ADMIN_PASSWORD);
            secrets.addAll(List.of(admin.text("refresh_token"), admin.text("access_token")));
            http.postJson("/logout", Http.json("refresh_token", admin.text("refresh_token")), "X-Request-Id", "last-one");
            LogLinesReader.await(server::log, l -> "last-one".equals(LogLinesReader.text(l, "request_id"))
                && "agentauth.access".equals(LogLinesReader.text(l, "logger")), 1);

            String all = server.log();
            List<JsonNode> lines = LogLinesReader.parse(all); // every line is one JSON object: nothing forged one
            assertTrue(all.contains("refresh_reuse") && all.contains("login_failed") && all.contains("throttled"),
                "the events happened and were logged:\n" + all);
            String decoded = String.join("\n", lines.stream().map(JsonNode::toString).toList());
            for (String s : secrets) {
                assertFalse(all.contains(s), "a secret in the log: " + s.substring(0, 6) + "...\n" + all);
                assertFalse(decoded.contains(s), "a secret in a decoded line: " + s.substring(0, 6) + "...");
            }
            assertTrue(lines.stream().noneMatch(l -> "admin password: x".equals(LogLinesReader.text(l, "msg"))), all);
        }
    }
}
