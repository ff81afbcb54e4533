package agentauth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.client.AgentAuthClient;
import agentauth.client.InvalidTokenException;
import agentauth.client.TokenVerifier;
import agentauth.support.Http;
import agentauth.support.TestServer;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InMemoryDPoPSingleUseChecker;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DPoP interop with the real server: proofs from the Nimbus OAuth SDK are accepted at its token
 * endpoints and /me, the bound tokens it issues verify with Nimbus and with our TokenVerifier, and
 * the Java client binds and refreshes end to end (also under required nonces).
 */
class DpopInteropTest {
    private static final String LOGIN = "{\"username\":\"agent\",\"password\":\"" + DpopClient.SECRET + "\"}";

    @Test
    void nimbus_proofs_are_accepted_and_the_bound_tokens_verify_with_nimbus_and_token_verifier() throws Exception {
        try (TestServer s = TestServer.start()) {
            s.createUser("agent", DpopClient.SECRET, "read");
            Http http = new Http(s.url());
            ECKey key = new ECKeyGenerator(Curve.P_256).generate();
            DefaultDPoPProofFactory nimbus = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
            Http.Response login = http.postJson("/login", LOGIN, "DPoP",
                nimbus.createDPoPJWT("POST", URI.create(s.url() + "/login")).serialize());
            assertEquals(200, login.status(), login.body());
            String access = login.text("access_token");
            Http.Response refreshed = http.postJson("/refresh", Http.json("refresh_token", login.text("refresh_token")), "DPoP",
                nimbus.createDPoPJWT("POST", URI.create(s.url() + "/refresh")).serialize());
            assertEquals(200, refreshed.status(), refreshed.body());
            Http.Response me = http.get("/me", "Authorization", "DPoP " + access, "DPoP",
                nimbus.createDPoPJWT("GET", URI.create(s.url() + "/me"), new DPoPAccessToken(access)).serialize());
            assertEquals(200, me.status(), me.body());

            // The server's token, seen by Nimbus: cnf.jkt is the RFC 7638 thumbprint of the proof's key
            URI api = URI.create("https://api.example/orders");
            JWKThumbprintConfirmation cnf = JWKThumbprintConfirmation.parse(SignedJWT.parse(access).getJWTClaimsSet());
            assertEquals(key.computeThumbprint(), cnf.getValue());
            InMemoryDPoPSingleUseChecker used = new InMemoryDPoPSingleUseChecker(60, 60);
            DPoPProtectedResourceRequestVerifier resource = new DPoPProtectedResourceRequestVerifier(Set.of(JWSAlgorithm.ES256),
                60, 60, used);
            resource.verify("GET", api, new DPoPIssuer("agent"),
                nimbus.createDPoPJWT("GET", api, new DPoPAccessToken(access)), new DPoPAccessToken(access), cnf, null);
            used.shutdown();

            // ...and by our verifier: accepted with its key's proof, refused as Bearer
            try (TokenVerifier verifier = TokenVerifier.forIssuer(s.url()).audience(s.url()).timeout(Duration.ofSeconds(30)).build()) {
                String proof = nimbus.createDPoPJWT("GET", api, new DPoPAccessToken(access)).serialize();
                assertEquals("agent", verifier.verify("GET", api, "DPoP " + access, proof).subject());
                InvalidTokenException asBearer = assertThrows(InvalidTokenException.class,
                    () -> verifier.verify("GET", api, "Bearer " + access, null));
                assertEquals(InvalidTokenException.Reason.DPOP_BOUND_AS_BEARER, asBearer.reason());
            }
        }
    }

    @Test
    void the_java_client_binds_refreshes_and_logs_out_under_required_dpop_and_nonces() throws InterruptedException {
        try (TestServer s = TestServer.start("--dpop", "required", "--dpop-nonce", "required", "--access-ttl", "60s")) {
            s.createUser("agent", DpopClient.SECRET, "read");
            Http http = new Http(s.url());
            AgentAuthClient client = AgentAuthClient.builder().server(s.url()).username("agent").secret(DpopClient.SECRET)
                .dpop().minValidity(Duration.ofSeconds(58)).requestTimeout(Duration.ofSeconds(30)).build();
            String first = client.accessToken();
            assertTrue(DpopModesTest.payload(first).has("cnf"));
            URI me = URI.create(s.url() + "/me");
            Map<String, String> headers = client.authorizationHeaders("GET", me);
            Http.Response r = http.get("/me", "Authorization", headers.get("Authorization"), "DPoP", headers.get("DPoP"));
            assertEquals(200, r.status(), r.body());

            // The margin is capped at half the lifetime: the refresh comes once 30 s remain; 60 s more are a safety net.
            long deadline = System.nanoTime() + Duration.ofSeconds(30 + 60).toNanos();
            String next = first;
            while (next.equals(first) && System.nanoTime() < deadline) {
                Thread.sleep(10); // between two probes; a spin would take a core from the server for 30 s
                next = client.accessToken();
            }
            assertNotEquals(first, next);
            assertEquals("2", s.one("SELECT count(*) FROM refresh_tokens"));
            assertEquals("1", s.one("SELECT count(*) FROM families WHERE dpop_jkt IS NOT NULL"));
            client.close();
            assertEquals("1", s.one("SELECT count(*) FROM families WHERE revoked_at IS NOT NULL"));
        }
    }
}
