package agentauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, flag validation, and the users subcommands against a live server's file. */
class MainTest {
    record Run(int code, String out, String err) {}

    static Run run(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void help_lists_every_flag_variable_and_subcommand() {
        Run r = run(Map.of(), "", "--help");
        assertEquals(0, r.code());
        for (String s : new String[] {"--host", "--port", "--db", "--issuer", "--access-ttl", "--refresh-ttl",
            "--admin-session-ttl", "--refresh-retry-window", "--resource", "--trusted-proxy", "AGENT_AUTH_HOST",
            "AGENT_AUTH_ADMIN_PASSWORD", "AGENT_AUTH_MASTER_KEY", "users add", "token", "backup"})
            assertTrue(r.out().contains(s), "help mentions " + s);
    }

    @Test
    void bad_flags_exit_non_zero_with_one_line_naming_the_flag() {
        String[][] cases = {
            {"--port", "99999"}, {"--access-ttl", "soon"}, {"--refresh-retry-window", "301s"}, {"--nope"},
            {"--host", "0.0.0.0"}, {"--trusted-proxy", "not-a-cidr"}, {"--issuer", "ftp://x"}, {"--port"}};
        for (String[] args : cases) {
            Run r = run(Map.of(), "", args);
            assertEquals(2, r.code(), String.join(" ", args));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(args[0].replace("--nope", "nope")), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    @Test
    void a_port_in_use_is_a_one_line_error() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path db = java.nio.file.Files.createTempDirectory("agent-auth-port").resolve("t.db");
            Run r = run(Map.of("AGENT_AUTH_ADMIN_PASSWORD", "port-test-admin-secret"), "",
                "--port", String.valueOf(taken.getLocalPort()), "--db", db.toString(), "--argon2-memory", "1024");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r.err());
            assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("agent-auth:")).count(), r.err());
        }
    }

    @Test
    void the_admin_password_variable_on_an_existing_database_is_said_to_be_ignored(@TempDir Path dir) {
        Path db = dir.resolve("t.db");
        String line = "AGENT_AUTH_ADMIN_PASSWORD is ignored: it only sets the first admin's password on a new database;"
            + " to change a password use `java -jar agent-auth.jar users passwd admin`";
        try (JarProcess first = JarProcess.start(db)) { // JarProcess sets the variable
            assertEquals(0, first.terminate());
            assertFalse(first.log().contains("is ignored"), first.log());
        }
        try (JarProcess again = JarProcess.start(db)) {
            assertEquals(0, again.terminate());
            assertEquals(1, again.log().lines().filter(l -> l.endsWith(line)).count(), again.log());
            assertFalse(again.log().contains(TestServer.ADMIN_PASSWORD), "never the password itself");
        }
    }

    @Test
    void users_commands_change_a_running_servers_users_at_once() {
        try (TestServer server = TestServer.start()) {
            Http http = new Http(server.url());
            Map<String, String> env = new HashMap<>();
            String db = server.db().toString();
            Run add = run(env, "cli-agent-secret-1\n", "users", "add", "cli-agent", "--scope", "read", "--scope", "write",
                "--db", db, "--argon2-memory", "1024");
            assertEquals(0, add.code(), add.err());
            Http.Response login = http.login("cli-agent", "cli-agent-secret-1");
            assertEquals(200, login.status());
            assertEquals("read write", login.text("scope"));

            Run list = run(env, "", "users", "list", "--db", db);
            assertTrue(list.out().contains("cli-agent") && list.out().contains("admin"), list.out());

            env.put("AGENT_AUTH_PASSWORD", "cli-agent-secret-2");
            assertEquals(0, run(env, "", "users", "passwd", "cli-agent", "--db", db, "--argon2-memory", "1024").code());
            assertEquals(401, http.login("cli-agent", "cli-agent-secret-1").status());
            assertEquals("invalid_grant", http.postJson("/refresh",
                Http.json("refresh_token", login.text("refresh_token"))).error(), "passwd ended the families");
            assertEquals(200, http.login("cli-agent", "cli-agent-secret-2").status());

            assertEquals(0, run(env, "", "users", "disable", "cli-agent", "--db", db).code());
            assertEquals(401, http.login("cli-agent", "cli-agent-secret-2").status());
            assertEquals(0, run(env, "", "users", "enable", "cli-agent", "--db", db).code());
            assertEquals(200, http.login("cli-agent", "cli-agent-secret-2").status());
            assertEquals(0, run(env, "", "users", "remove", "cli-agent", "--db", db).code());
            assertEquals(401, http.login("cli-agent", "cli-agent-secret-2").status());

            var events = server.app().audit().list(50, null, "cli-agent", null).events();
            assertTrue(events.stream().anyMatch(e -> e.type().equals("user_created") && "cli".equals(e.actor())));
            assertTrue(events.stream().anyMatch(e -> e.type().equals("user_deleted") && "cli".equals(e.actor())));
        }
    }

    @Test
    void the_cli_keeps_the_last_admin_unless_forced_and_validates_like_the_api() {
        try (TestServer server = TestServer.start()) {
            String db = server.db().toString();
            Run refused = run(Map.of(), "", "users", "disable", "admin", "--db", db);
            assertEquals(1, refused.code());
            assertTrue(refused.err().contains("no enabled admin"), refused.err());
            Run badName = run(Map.of("AGENT_AUTH_PASSWORD", "long-enough-secret"), "", "users", "add", "-bad", "--db", db);
            assertEquals(1, badName.code());
            Run shortSecret = run(Map.of("AGENT_AUTH_PASSWORD", "short"), "", "users", "add", "okname", "--db", db);
            assertEquals(1, shortSecret.code());
            assertTrue(shortSecret.err().contains("12 to 1024 bytes"), shortSecret.err());
            assertFalse(shortSecret.err().contains("short"), "the secret is never echoed");
            Run forced = run(Map.of(), "", "users", "disable", "admin", "--db", db, "--force");
            assertEquals(0, forced.code(), forced.err());
        }
    }

    @Test
    void a_switch_among_the_server_flags_does_not_swallow_the_name() {
        try (TestServer server = TestServer.start()) {
            Run r = run(Map.of("AGENT_AUTH_PASSWORD", "switch-test-secret-1"), "", "users", "add", "--durable", "switcher",
                "--db", server.db().toString(), "--argon2-memory", "1024");
            assertEquals(0, r.code(), r.err());
            assertEquals(200, new Http(server.url()).login("switcher", "switch-test-secret-1").status());
        }
    }

    @Test
    void a_missing_secret_is_a_clear_error() {
        try (TestServer server = TestServer.start()) { // only the server creates a database
            Run r = run(Map.of(), "", "users", "add", "someone", "--db", server.db().toString());
            assertEquals(2, r.code());
            assertTrue(r.err().contains("AGENT_AUTH_PASSWORD"), r.err());
        }
    }
}
