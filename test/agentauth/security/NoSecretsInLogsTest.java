package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real jar as its own process, captures everything it writes, drives every secret
 * through it (logins right and wrong, refresh, reuse, logout, throttling, the users CLI), and
 * checks that no secret shows up, except the first admin's generated password, once.
 */
class NoSecretsInLogsTest {
    @TempDir Path dir;

    static Path jar() {
        return Path.of(System.getProperty("agentauth.jar", "agent-auth.jar"));
    }

    ProcessBuilder java(Path log, String masterKey, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        b.environment().keySet().removeIf(k -> k.startsWith("AGENT_AUTH_"));
        b.environment().put("AGENT_AUTH_MASTER_KEY", masterKey);
        return b;
    }

    @Test
    void no_secret_reaches_the_log() throws Exception {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        String masterKey = Base64.getUrlEncoder().withoutPadding().encodeToString(k);
        Path log = dir.resolve("log.txt"), db = dir.resolve("agent-auth.db");
        String db_ = db.toString();
        Process server = java(log, masterKey, "--port", "0", "--db", db_, "--argon2-memory", "1024").start();
        List<String> secrets = new ArrayList<>(List.of(masterKey));
        try {
            String text = waitFor(log, Pattern.compile("App - agent-auth listening on [0-9.]+:(\\d+)"), server);
            Matcher port = Pattern.compile("App - agent-auth listening on [0-9.]+:(\\d+)").matcher(text);
            assertTrue(port.find());
            Matcher admin = Pattern.compile("admin password: (\\S+)").matcher(text);
            assertTrue(admin.find(), "the first admin's password is logged once");
            String adminPassword = admin.group(1);
            Http http = new Http("http://127.0.0.1:" + port.group(1));

            String cliSecret = "cli-secret-" + System.nanoTime();
            secrets.add(cliSecret);
            ProcessBuilder cli = java(log, masterKey, "users", "add", "bob", "--scope", "read", "--db", db_);
            cli.environment().put("AGENT_AUTH_PASSWORD", cliSecret);
            Process p = cli.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(log));

            Http.Response ok = http.login("bob", cliSecret);
            assertEquals(200, ok.status(), ok.body());
            String access = ok.text("access_token"), refresh = ok.text("refresh_token");
            secrets.addAll(List.of(access, access.substring(access.lastIndexOf('.') + 1), refresh));
            assertEquals(200, http.get("/me", "Authorization", Http.bearer(access)).status());
            Http.Response rotated = http.postForm("/refresh", Http.form("refresh_token", refresh));
            secrets.add(rotated.text("refresh_token"));
            assertEquals(401, http.postJson("/refresh", Http.json("refresh_token", refresh)).status(), "reuse is logged");
            String wrong = "wrong-secret-" + System.nanoTime();
            secrets.add(wrong);
            for (int i = 0; i < 7; i++) http.login("bob", wrong);
            http.login("nobody-here", wrong);
            http.login("forged\nadmin password: not-from-the-server", wrong);
            Http.Response adminLogin = http.login("admin", adminPassword);
            secrets.addAll(List.of(adminLogin.text("refresh_token"), adminLogin.text("access_token")));
            http.postJson("/logout", Http.json("refresh_token", adminLogin.text("refresh_token")));
            http.get("/me", "Authorization", "Bearer " + wrong);

            server.destroy();
            assertTrue(server.waitFor(60, TimeUnit.SECONDS));
            String all = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(all.contains("refresh_reuse") && all.contains("login_failed") && all.contains("throttled"),
                "the events happened and were logged:\n" + all);
            for (String s : secrets) assertFalse(all.contains(s), "a secret in the log: " + s.substring(0, 6) + "...\n" + all);
            List<String> adminLines = all.lines().filter(l -> l.startsWith("admin password: ")).toList();
            assertEquals(List.of("admin password: " + adminPassword), adminLines, "no forged line:\n" + all);
            assertEquals(1, count(all, adminPassword));
        } finally {
            server.destroyForcibly();
        }
    }

    static int count(String haystack, String needle) {
        return haystack.split(Pattern.quote(needle), -1).length - 1;
    }

    static String waitFor(Path log, Pattern line, Process p) throws Exception {
        for (int i = 0; i < 1200; i++) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (line.matcher(text).find()) return text;
            if (!p.isAlive()) throw new AssertionError("the server exited:\n" + text);
            Thread.sleep(100); // polling a child process's output; no clock to move here
        }
        throw new AssertionError("the server did not start within 120 s");
    }
}
