package agentauth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.cli.TokenCommand;
import agentauth.support.TestServer;
import agentauth.user.Users;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code token} command is Bearer only: against the real server it refuses a DPoP agent with one line. */
class TokenCommandDpopTest {
    private static String[] run(String url) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = TokenCommand.run(new String[] {"--server", url, "--username", "agent"}, Map.of("AGENT_AUTH_PASSWORD", DpopClient.SECRET),
            new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void a_dpop_required_agent_and_a_dpop_required_server_are_refused_with_one_line() {
        try (TestServer s = TestServer.start()) {
            s.createUser("agent", DpopClient.SECRET, "read");
            assertEquals("0", run(s.url())[0]);
            s.app().users().dpopRequired("agent", true, new Users.Actor("test", null));
            String[] refused = run(s.url());
            assertEquals("1", refused[0]);
            assertEquals("", refused[1]);
            assertEquals(1, refused[2].lines().count(), refused[2]);
            assertTrue(refused[2].contains("'agent' requires DPoP"), refused[2]);
        }
        try (TestServer s = TestServer.start("--dpop", "required")) {
            s.createUser("agent", DpopClient.SECRET, "read");
            String[] refused = run(s.url());
            assertEquals("1", refused[0]);
            assertEquals(1, refused[2].lines().count(), refused[2]);
            assertTrue(refused[2].contains("requires DPoP"), refused[2]);
        }
    }
}
