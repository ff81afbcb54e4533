package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InMemoryDPoPSingleUseChecker;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InvalidDPoPProofException;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DPoP interop both ways with the Nimbus OAuth SDK. */
class DpopNimbusInteropTest {
    private final DpopAuthServer server = new DpopAuthServer();

    DpopNimbusInteropTest() throws Exception {
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void proofs_from_nimbus_default_dpop_proof_factory_are_accepted_by_token_verifier() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        Map<String, Object> claims = TestKey.claims(server.url(), DpopAuthServer.AUDIENCE, Instant.now().getEpochSecond());
        claims.put("cnf", Map.of("jkt", key.computeThumbprint().toString()));
        String token = server.issuerKey.sign(server.issuerKey.header(), claims);
        DefaultDPoPProofFactory factory = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
        URI url = URI.create("https://api.example/orders/7");
        for (String method : new String[] {"GET", "POST", "DELETE"}) {
            String proof = factory.createDPoPJWT(method, url, new DPoPAccessToken(token)).serialize();
            assertEquals("agent-1", server.verifier.verify(method, URI.create(url + "?expand=all"),
                    "DPoP " + token, proof).subject());
        }
        String other = new DefaultDPoPProofFactory(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256)
                .createDPoPJWT("GET", url, new DPoPAccessToken(token)).serialize();
        assertThrows(InvalidTokenException.class, () -> server.verifier.verify("GET", url, "DPoP " + token, other));
    }

    @Test
    void proofs_from_agent_auth_client_are_accepted_by_nimbus_dpop_protected_resource_request_verifier()
            throws Exception {
        try (AgentAuthClient client = AgentAuthClient.builder().server(server.url()).username("agent-1")
                .secret("dpop-agent-secret").dpop().build()) {
            for (String method : new String[] {"GET", "PUT"}) {
                client.send(HttpRequest.newBuilder(URI.create(server.url() + "/service?x=1"))
                        .method(method, HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding());
            }
        }
        InMemoryDPoPSingleUseChecker used = new InMemoryDPoPSingleUseChecker(60, 60);
        DPoPProtectedResourceRequestVerifier nimbus = new DPoPProtectedResourceRequestVerifier(
                Set.of(JWSAlgorithm.ES256), 60, 60, used);
        for (Map<String, String> request : server.serviceRequests) {
            SignedJWT proof = SignedJWT.parse(request.get("DPoP"));
            String token = request.get("Authorization").substring("DPoP ".length());
            JWKThumbprintConfirmation cnf = new JWKThumbprintConfirmation(proof.getHeader().getJWK().computeThumbprint());
            String method = proof.getJWTClaimsSet().getStringClaim("htm");
            nimbus.verify(method, URI.create(server.url() + "/service?x=1"), new DPoPIssuer("agent-1"), proof,
                    new DPoPAccessToken(token), cnf, null);
        }
        assertEquals(2, server.serviceRequests.size());
        SignedJWT replayed = SignedJWT.parse(server.serviceRequests.get(0).get("DPoP"));
        assertThrows(InvalidDPoPProofException.class, () -> nimbus.verify("GET", URI.create(server.url() + "/service"),
                new DPoPIssuer("agent-1"), replayed,
                new DPoPAccessToken(server.serviceRequests.get(0).get("Authorization").substring(5)),
                new JWKThumbprintConfirmation(replayed.getHeader().getJWK().computeThumbprint()), null));
        used.shutdown();
    }
}
