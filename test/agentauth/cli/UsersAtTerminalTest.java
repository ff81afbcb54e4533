package agentauth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code users add}/{@code passwd} typed at a real pseudo-terminal: prompted, hidden, asked twice. */
class UsersAtTerminalTest {
    private static final String TYPED = "typed-at-the-terminal-01";

    private TestServer server;

    @BeforeEach
    void start() {
        assumeTrue(Pty.available(), "util-linux script is needed for a pseudo-terminal");
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private Pty users(Map<String, String> env, String redirect, String... args) {
        List<String> all = new ArrayList<>(List.of("users"));
        all.addAll(List.of(args));
        all.addAll(List.of("--db", server.db().toString(), "--argon2-memory", "1024"));
        return Pty.run(env, redirect, all.toArray(String[]::new));
    }

    @Test
    void the_secret_is_asked_twice_with_the_input_hidden() {
        try (Pty pty = users(Map.of(), null, "add", "typist", "--scope", "reports:read")) {
            pty.awaitScreen("secret for typist: ");
            pty.type(TYPED);
            pty.awaitScreen("the same secret again: ");
            pty.type(TYPED);
            assertEquals(0, pty.exitCode(), pty.screen());
            assertTrue(pty.screen().contains("created typist"), pty.screen());
            assertFalse(pty.screen().contains(TYPED), "the terminal never showed the secret:\n" + pty.screen());
        }
        assertEquals(200, new Http(server.url()).login("typist", TYPED).status());
    }

    @Test
    void two_different_secrets_change_nothing() {
        try (Pty pty = users(Map.of(), null, "passwd", "admin")) {
            pty.awaitScreen("secret for admin: ");
            pty.type(TYPED);
            pty.awaitScreen("the same secret again: ");
            pty.type(TYPED + "-typo");
            assertNotEquals(0, pty.exitCode(), pty.screen());
            List<String> said = pty.screen().lines().filter(l -> l.startsWith("agent-auth:")).toList();
            assertEquals(List.of("agent-auth: the two secrets differ; nothing was changed"), said.stream().map(String::strip).toList(),
                pty.screen());
        }
        assertEquals(200, new Http(server.url()).login("admin", TestServer.ADMIN_PASSWORD).status());
    }

    @Test
    void with_the_variable_set_a_terminal_is_not_asked_and_not_a_second_secret() {
        try (Pty pty = users(Map.of("AGENT_AUTH_PASSWORD", TYPED), null, "add", "from-variable")) {
            assertEquals(0, pty.exitCode(), pty.screen()); // it would wait for typing if it read the terminal
            assertFalse(pty.screen().contains("secret for"), pty.screen());
        }
        assertEquals(200, new Http(server.url()).login("from-variable", TYPED).status());
    }

    @Test
    void a_terminal_on_standard_input_alone_is_refused_since_the_input_could_not_be_hidden() throws Exception {
        Path out = Files.createTempFile(server.dir(), "out", ".txt");
        try (Pty pty = users(Map.of(), "> '" + out + "'", "add", "piped-out")) {
            assertNotEquals(0, pty.exitCode(), pty.screen());
            assertTrue(pty.screen().contains("standard output is not a terminal"), pty.screen());
        }
        assertTrue(server.app().users().find("piped-out").isEmpty());
    }
}
