package agentauth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** {@code users ...} run as the jar, beside a running server on the same database file. */
class UsersCommandTest {
    private static final String VARIABLE_SECRET = "variable-secret-0001";
    private static final String PIPED_SECRET = "piped-secret-000002";

    @AutoClose
    private final TestServer server = TestServer.start();
    private final Http http = new Http(server.url());

    private Cli.Result users(Map<String, String> env, String stdin, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("users"));
        all.addAll(List.of(args));
        all.addAll(List.of("--db", server.db().toString(), "--argon2-memory", "1024"));
        return Cli.run(env, stdin, all.toArray(String[]::new));
    }

    @Test
    void a_secret_given_by_the_variable_and_on_standard_input_is_refused_naming_both() {
        Map<String, String> env = Map.of("AGENT_AUTH_PASSWORD", VARIABLE_SECRET);
        for (String[] command : new String[][] {{"add", "twice"}, {"passwd", "admin"}}) {
            Cli.Result r = users(env, PIPED_SECRET + "\n", command);
            assertEquals(2, r.code(), r.toString());
            assertEquals(1, r.errLines().size(), r.toString());
            assertTrue(r.err().contains("AGENT_AUTH_PASSWORD") && r.err().contains("standard input"), r.err());
            assertFalse(r.err().contains(VARIABLE_SECRET) || r.err().contains(PIPED_SECRET), "no secret is echoed");
        }
        assertTrue(server.app().users().find("twice").isEmpty(), "nothing was created");
        assertEquals(200, http.login("admin", TestServer.ADMIN_PASSWORD).status(), "nothing was changed");

        assertEquals(0, users(env, "", "add", "by-variable").code(), "the variable alone");
        assertEquals(200, http.login("by-variable", VARIABLE_SECRET).status());
        assertEquals(0, users(Map.of(), PIPED_SECRET + "\n", "passwd", "by-variable").code(), "standard input alone");
        assertEquals(200, http.login("by-variable", PIPED_SECRET).status());
    }

    @Test
    void an_unknown_action_is_named_as_one() {
        for (String[] args : new String[][] {{"frobnicate"}, {"frobnicate", "bob"}}) {
            Cli.Result r = users(Map.of(), "", args);
            assertEquals(2, r.code(), r.toString());
            assertEquals(List.of("agent-auth: unknown users action 'frobnicate' (one of: add, list, show, update, passwd, disable, enable,"
                + " remove, unthrottle, require-dpop, allow-bearer)"), r.errLines());
        }
    }

    @Test
    void with_the_variable_set_an_idle_standard_input_left_open_does_not_hold_the_command() throws Exception {
        List<String> command = Cli.command("users", "add", "spawned", "--db", server.db().toString(), "--argon2-memory", "1024");
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("AGENT_AUTH_"));
        b.environment().put("AGENT_AUTH_PASSWORD", VARIABLE_SECRET);
        Process p = b.start(); // its standard input: a pipe this test keeps open and never writes to
        try {
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the command ended on its own");
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(200, http.login("spawned", VARIABLE_SECRET).status());
    }
}
