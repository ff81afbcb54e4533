package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.AuditLog;
import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 6: a name a client chose is stored in the audit table as the log line shows it,
 * cleaned and cut, whichever event records it: never 16,000 characters, never a character that
 * reorders, hides or breaks the line it is shown on.
 */
class AuditNameTest {
    /** Right-to-left override, zero-width space, newline, and 16,200 characters in all. */
    static final String HOSTILE = "\u202Eadmin\u200B\nforged line " + "x".repeat(16_200 - 20);

    @Test
    void login_failed_and_throttled_store_the_same_cleaned_and_cut_name() {
        try (TestServer server = TestServer.start()) {
            Http http = new Http(server.url());
            for (int i = 0; i < 6; i++) http.login(HOSTILE, "wrong-secret-123");
            assertEquals(429, http.login(HOSTILE, "wrong-secret-123").status(), "the name is held back: a throttled event");

            List<String> stored = server.app().audit().list(100, null, null, null).events().stream()
                .filter(e -> e.type().equals("login_failed") || e.type().equals("throttled"))
                .map(AuditLog.Event::user).distinct().toList();
            assertEquals(1, stored.size(), "one form for both events: " + stored);
            String name = stored.get(0);
            assertEquals("?admin??forged line " + "x".repeat(44) + "...", name);
            assertTrue(name.chars().allMatch(c -> c >= 0x20 && c <= 0x7E), name);
        }
    }

    @Test
    void a_real_name_is_stored_as_it_is() {
        try (TestServer server = TestServer.start()) {
            server.createUser("Agent.Smith@ops-1", "agent-secret-12345");
            new Http(server.url()).login("agent.smith@OPS-1", "wrong-secret-123");
            assertEquals("Agent.Smith@ops-1", server.app().audit().list(1, null, null, "login_failed").events().get(0).user());
        }
    }
}
