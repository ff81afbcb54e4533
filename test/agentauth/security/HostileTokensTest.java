package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.client.InvalidTokenException;
import agentauth.client.TokenVerifier;
import agentauth.support.Http;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Both verifiers against the one table of hostile tokens ({@link HostileTokens}), on one real
 * server: the server's own check through {@code GET /me}, and the client library's
 * {@link TokenVerifier} with the keys it fetches from that server's JWKS. A row refused by one
 * and not the other is a drift between the two implementations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTokensTest {
    @AutoClose
    final TestServer server = TestServer.start();
    final Http http = new Http(server.url());
    @AutoClose
    final TokenVerifier verifier = TokenVerifier.forIssuer(server.url()).audience(server.url()).build(); // keys fetched on first use
    TokenForge forge;

    @BeforeAll
    void makeForge() {
        server.createUser("agent", TestServer.secret("agent"), "read");
        // A second published key (the next one), so that a token can name a kid that exists but did not sign.
        String next = server.app().keyRotation().rotate(false, "test", null).kid();
        String current = server.app().signingKeys().current().kid();
        forge = new TokenForge(server.url(), server.app().signingKeys().current(), next, publishedJwk(current),
            server.app().users().get("agent"));
    }

    private String publishedJwk(String kid) {
        for (JsonNode key : http.get("/.well-known/jwks.json").json().get("keys"))
            if (kid.equals(key.get("kid").asText())) return key.toString();
        throw new AssertionError("the current key " + kid + " is not in the JWKS");
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("agentauth.security.HostileTokens#ROWS")
    void the_servers_check_gives_the_tables_verdict(HostileTokens.Row row) {
        String token = row.token().apply(forge);
        String before = DbChecksum.of(server);
        Http.Response r = http.get("/me", "Authorization", "Bearer " + token);
        if (row.serverAccepts()) {
            assertEquals(200, r.status(), r.body());
            assertEquals("agent", r.text("sub"));
            return;
        }
        assertEquals(401, r.status(), r.body());
        HostileInputTest.assertContractError(r, "invalid_token");
        assertTrue(r.header("WWW-Authenticate").startsWith("Bearer error=\"invalid_token\""), r.header("WWW-Authenticate"));
        assertEquals(before, DbChecksum.of(server), "a refused token changes nothing");
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("agentauth.security.HostileTokens#ROWS")
    void the_client_verifier_gives_the_tables_verdict(HostileTokens.Row row) {
        String token = row.token().apply(forge);
        if (row.clientAccepts()) {
            assertDoesNotThrow(() -> verifier.verify(token), row.why());
            return;
        }
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertEquals(row.clientReason(), e.reason(), e.getMessage());
        assertEquals("invalid_token", e.error());
        for (String part : token.split("\\."))
            assertFalse(part.length() >= 8 && e.getMessage().contains(part), "the message repeats the token");
    }

    @Test
    void the_table_is_mostly_refusals_by_both_with_one_control() {
        List<HostileTokens.Row> rows = HostileTokens.ROWS;
        assertTrue(rows.stream().filter(r -> !r.serverAccepts() && !r.clientAccepts()).count() >= 40);
        assertTrue(rows.get(0).name().startsWith("control") && rows.get(0).serverAccepts() && rows.get(0).clientAccepts());
        assertTrue(rows.stream().filter(r -> r.serverAccepts() != r.clientAccepts()).allMatch(r -> r.why() != null),
            "every row the verifiers judge differently says why");
    }
}
