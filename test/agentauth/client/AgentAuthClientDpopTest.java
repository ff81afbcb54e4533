package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.MutableClock;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AgentAuthClient with DPoP (RFC 9449) against {@link DpopAuthServer} over real HTTP. */
class AgentAuthClientDpopTest {
    private final DpopAuthServer server = new DpopAuthServer();

    @TempDir
    Path dir;

    AgentAuthClientDpopTest() throws Exception {
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AgentAuthClientBuilder client() {
        return AgentAuthClient.builder().server(server.url()).username("agent-1").secret("dpop-agent-secret").dpop();
    }

    private static String claim(String proof, String name) throws Exception {
        Object v = SignedJWT.parse(proof).getJWTClaimsSet().getClaim(name);
        return v == null ? null : v.toString();
    }

    private String get(AgentAuthClient c) throws Exception {
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(server.url() + "/service?q=1")),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    @Test
    void every_call_to_a_service_carries_a_fresh_proof_the_verifier_accepts() throws Exception {
        try (AgentAuthClient c = client().build()) {
            assertEquals("hello agent-1", get(c));
            assertEquals("hello agent-1", get(c));
        }
        assertEquals(1, server.logins.get());
        List<Map<String, String>> calls = server.serviceRequests;
        assertTrue(calls.get(0).get("Authorization").startsWith("DPoP "));
        assertNotEquals(claim(calls.get(0).get("DPoP"), "jti"), claim(calls.get(1).get("DPoP"), "jti"));
        assertEquals(server.url() + "/service", claim(calls.get(0).get("DPoP"), "htu"), "the query is left out");
        assertEquals("POST", claim(server.tokenEndpointProofs.get(0), "htm"));
        assertEquals(server.url() + "/login", claim(server.tokenEndpointProofs.get(0), "htu"));
        assertNull(claim(server.tokenEndpointProofs.get(0), "ath"), "no token is presented at login");
    }

    @Test
    void a_nonce_asked_for_by_the_auth_server_or_a_service_is_sent_on_one_retry() throws Exception {
        server.requiredLoginNonce = "login-nonce-1";
        server.requiredServiceNonce = "service-nonce-1";
        try (AgentAuthClient c = client().build()) {
            assertEquals("hello agent-1", get(c));
        }
        assertEquals(2, server.tokenEndpointProofs.size(), "login, then login with the nonce");
        assertEquals("login-nonce-1", claim(server.tokenEndpointProofs.get(1), "nonce"));
        assertEquals(2, server.serviceRequests.size());
        assertEquals("service-nonce-1", claim(server.serviceRequests.get(1).get("DPoP"), "nonce"));
    }

    @Test
    void a_refresh_refused_for_the_key_leads_to_a_new_login_with_the_key_the_client_has() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (AgentAuthClient c = client().clock(clock).build()) {
            c.accessToken();
            clock.advance(Duration.ofSeconds(290));
            c.accessToken(); // an ordinary refresh, with the session's key
            assertEquals(1, server.refreshes.get());
            server.sessionKeys.replaceAll((refresh, jkt) -> "a-key-the-client-lost");
            clock.advance(Duration.ofSeconds(290));
            c.accessToken();
        }
        assertEquals(2, server.logins.get());
    }

    @Test
    void a_bound_token_is_handed_out_only_with_its_proof() throws Exception {
        try (AgentAuthClient c = client().build()) {
            assertThrows(IllegalStateException.class, c::authorizationHeader);
            URI url = URI.create(server.url() + "/service");
            Map<String, String> headers = c.authorizationHeaders("GET", url);
            assertEquals(List.of("Authorization", "DPoP"), List.copyOf(headers.keySet()));
            assertEquals("agent-1", server.verifier.verify("GET", url, headers.get("Authorization"),
                    headers.get("DPoP")).subject());
            assertTrue(c.toString().contains("dpop="), c.toString());
        }
    }

    @Test
    void a_key_file_is_made_owner_only_and_gives_the_same_key_to_the_next_client() throws Exception {
        Path file = dir.resolve("agent.jwk");
        String first;
        try (AgentAuthClient c = client().dpop(file).build()) {
            c.accessToken();
            first = SignedJWT.parse(server.tokenEndpointProofs.get(0)).getHeader().getJWK().computeThumbprint().toString();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (AgentAuthClient c = client().dpop(file).build()) {
            c.accessToken();
        }
        assertEquals(first, SignedJWT.parse(server.tokenEndpointProofs.get(1)).getHeader().getJWK()
                .computeThumbprint().toString());
        Files.writeString(file, "{\"kty\":\"EC\",\"crv\":\"P-256\"}");
        assertThrows(IllegalArgumentException.class, () -> client().dpop(file).build());
    }
}
