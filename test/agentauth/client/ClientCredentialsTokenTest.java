package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.TestServer;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link AgentAuthClient#clientCredentialsToken()} against a real server. */
class ClientCredentialsTokenTest {
    private static final String SECRET = "client-credentials-secret:%+ &";
    @AutoClose
    private static final TestServer server = TestServer.start();

    @BeforeAll
    static void createUsers() {
        server.createUser("cc-agent", SECRET, "read", "write");
    }

    private static AgentAuthClientBuilder client(String secret) {
        return AgentAuthClient.builder().server(server.url()).username("cc-agent").secret(secret);
    }

    @Test
    void each_call_gets_a_new_token_with_the_configured_scopes_and_no_session() {
        try (AgentAuthClient c = client(SECRET).scopes("read").build()) {
            String first = c.clientCredentialsToken();
            String second = c.clientCredentialsToken();
            assertNotEquals(first, second);
            TokenClaims claims = TokenVerifier.forIssuer(server.url()).audience(server.url()).build().verify(first);
            assertEquals("cc-agent", claims.subject());
            assertEquals(Set.of("read"), claims.scopes());
            assertNull(claims.sid(), "client_credentials tokens belong to no session");
            assertTrue(claims.uid() != null && !claims.uid().contains("cc-agent"), "the random uid, not the name");
            assertTrue(claims.gen() != null && claims.gen() >= 0, "the credential generation");
        }
    }

    @Test
    void a_wrong_secret_or_scope_is_refused_with_the_servers_code_and_never_the_secret() {
        String wrong = "not-the-secret-at-all";
        try (AgentAuthClient c = client(wrong).build()) {
            BadCredentialsException e = assertThrows(BadCredentialsException.class, c::clientCredentialsToken);
            assertEquals("invalid_client", e.error());
            assertFalse(e.getMessage().contains(wrong), e.getMessage());
        }
        try (AgentAuthClient c = client(SECRET).scopes("admin").build()) {
            assertEquals("invalid_scope", assertThrows(BadCredentialsException.class, c::clientCredentialsToken).error());
        }
    }

    @Test
    void a_closed_client_gets_no_token() {
        AgentAuthClient c = client(SECRET).build();
        c.close();
        assertThrows(IllegalStateException.class, c::clientCredentialsToken);
    }
}
