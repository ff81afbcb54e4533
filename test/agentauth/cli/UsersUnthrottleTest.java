package agentauth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.AuditLog;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code users unthrottle NAME}: the way back for an admin locked out of the page. The counters
 * live in the running server's memory, so the command records the unthrottle and the server
 * applies what it finds recorded.
 */
class UsersUnthrottleTest {
    @TempDir
    Path dir;

    @Test
    void the_command_records_the_unthrottle_as_the_cli_and_refuses_a_name_no_user_can_have() {
        try (TestServer server = TestServer.start()) {
            String db = server.db().toString();
            Cli.Result r = Cli.run(Map.of(), "", "users", "unthrottle", "admin", "--db", db);
            assertEquals(0, r.code(), r.toString());
            assertEquals("throttle of admin cleared", r.out().strip());
            List<AuditLog.Event> events = server.app().audit().list(10, null, "admin", "user_updated").events();
            assertTrue(events.stream().anyMatch(e -> "cli".equals(e.actor()) && "throttle cleared".equals(e.detail())), events.toString());

            Cli.Result bad = Cli.run(Map.of(), "", "users", "unthrottle", "-nope", "--db", db);
            assertEquals(1, bad.code(), bad.toString());
            assertTrue(bad.err().startsWith("agent-auth: username must be"), bad.err());
        }
    }

    @Test
    void users_unthrottle_frees_an_admin_a_running_server_holds_back() {
        Path db = dir.resolve("agent-auth.db");
        try (JarProcess server = JarProcess.start(db)) {
            Http http = server.http();
            for (int i = 0; i < 5; i++) assertEquals(401, http.login("admin", "a-wrong-admin-secret").status());
            assertEquals(429, http.login("admin", TestServer.ADMIN_PASSWORD).status(), "locked out, right secret or not");

            Cli.Result r = Cli.run(Map.of(), "", "users", "unthrottle", "admin", "--db", db.toString());
            assertEquals(0, r.code(), r.toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int status;
            // 429s are not counted as failures, so asking again does not lock the name further
            while ((status = http.login("admin", TestServer.ADMIN_PASSWORD).status()) == 429 && System.nanoTime() < deadline)
                Cli.pause(100);
            assertEquals(200, status, "the running server applied the unthrottle:\n" + server.log());
            assertEquals(0, server.terminate());
        }
    }
}
