package agentauth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.Postgres;
import agentauth.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** copy: a SQLite database moves into PostgreSQL; agents keep their secrets, sessions and tokens. */
class CopyCommandTest {
    @TempDir
    Path dir;

    @Test
    void agents_keep_their_secrets_sessions_and_tokens_after_the_copy_and_a_second_copy_is_refused() throws Exception {
        Path file = dir.resolve("agent-auth.db");
        String refresh, access;
        try (JarProcess sqlite = JarProcess.start(file)) {
            Http http = sqlite.http();
            String admin = Http.bearer(http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token"));
            assertEquals(201, http.postJson("/admin/api/users", Http.json("username", "mover", "password", "mover-secret-12",
                "scopes", List.of("read")), "Authorization", admin).status());
            Http.Response login = http.login("mover", "mover-secret-12");
            refresh = login.text("refresh_token");
            access = login.text("access_token");
            assertEquals(0, sqlite.terminate());
        }
        Postgres.Database pg = Postgres.freshDatabase();
        Map<String, String> env = new HashMap<>(pg.env());
        env.put("AGENT_AUTH_MASTER_KEY", Files.readString(dir.resolve("agent-auth.db.master-key")).strip());
        JarProcess.Result copied = JarProcess.run(List.of("copy", "--from", file.toString(), "--to", pg.url()), env);
        assertEquals(0, copied.code(), copied.output());
        assertTrue(copied.output().contains("2 users, 2 live sessions"), copied.output()); // the admin's and the agent's

        try (JarProcess instance = JarProcess.start(new Backend.Storage(pg.url(), env), "--issuer", issuerOf(access))) {
            Http http = instance.http();
            assertEquals(200, http.get("/me", "Authorization", Http.bearer(access)).status(), "a token from before the copy");
            assertEquals(200, http.postJson("/refresh", Http.json("refresh_token", refresh)).status(), "a session from before");
            assertEquals(200, http.login("mover", "mover-secret-12").status(), "the secret from before");
        }
        JarProcess.Result again = JarProcess.run(List.of("copy", "--from", file.toString(), "--to", pg.url()), env);
        assertEquals(1, again.code(), again.output());
        assertTrue(again.output().contains("is not empty"), again.output());
    }

    @Test
    void another_master_key_is_refused_before_anything_is_written() {
        Path file = dir.resolve("agent-auth.db");
        try (JarProcess sqlite = JarProcess.start(file)) {
            assertEquals(0, sqlite.terminate());
        }
        Postgres.Database pg = Postgres.freshDatabase();
        Map<String, String> env = new HashMap<>(pg.env());
        env.put("AGENT_AUTH_MASTER_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        JarProcess.Result r = JarProcess.run(List.of("copy", "--from", file.toString(), "--to", pg.url()), env);
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("master key does not match database"), r.output());
    }

    private static String issuerOf(String token) {
        return com.auth0.jwt.JWT.decode(token).getIssuer();
    }
}
