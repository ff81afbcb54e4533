package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.token.BearerTokenError;
import com.nimbusds.oauth2.sdk.token.DPoPTokenError;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 9728 metadata and the WWW-Authenticate challenges, read back with Jackson and Nimbus. */
class ResourceMetadataTest {
    private static final String RESOURCE = "https://api.example.com/mcp";
    private static final String METADATA_URL = "https://api.example.com/.well-known/oauth-protected-resource/mcp";

    private TestIssuer issuer;
    private TokenVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        verifier = issuer.verifier(RESOURCE).scopesSupported("read", "write").build();
    }

    @AfterEach
    void stop() {
        verifier.close();
        issuer.close();
    }

    private String token() {
        return issuer.token(issuer.claims(RESOURCE));
    }

    @Test
    void the_metadata_names_the_resource_its_authorization_server_and_how_to_send_tokens() throws Exception {
        JsonNode m = TestKey.JSON.readTree(verifier.resourceMetadata());
        assertEquals(RESOURCE, m.get("resource").asText());
        assertEquals(List.of(issuer.url()), List.of(m.get("authorization_servers").get(0).asText()));
        assertEquals(2, m.get("scopes_supported").size());
        assertEquals("header", m.get("bearer_methods_supported").get(0).asText());
        assertEquals("ES256", m.get("dpop_signing_alg_values_supported").get(0).asText());
        assertEquals(URI.create(METADATA_URL), verifier.resourceMetadataUrl());
        try (TokenVerifier root = TokenVerifier.forIssuer(issuer.url()).audience("api").resource("http://127.0.0.1:8081/")
                .build()) {
            assertEquals(URI.create("http://127.0.0.1:8081/.well-known/oauth-protected-resource"), root.resourceMetadataUrl());
            assertTrue(!root.resourceMetadata().contains("scopes_supported"));
        }
        try (TokenVerifier noUrl = TokenVerifier.forIssuer(issuer.url()).audience("api").build()) {
            assertThrows(IllegalStateException.class, noUrl::resourceMetadata);
            assertEquals("Bearer", noUrl.challenge(null));
        }
    }

    @Test
    void a_request_without_a_token_gets_a_challenge_without_an_error_code() throws Exception {
        String expected = "Bearer resource_metadata=\"" + METADATA_URL + "\"";
        assertEquals(expected, verifier.challenge(null));
        InvalidTokenException none = assertThrows(InvalidTokenException.class, () -> verifier.verifyAuthorizationHeader(null));
        assertEquals(expected, verifier.challenge(none));
        InvalidTokenException basic = assertThrows(InvalidTokenException.class,
                () -> verifier.verify("GET", URI.create(RESOURCE), "Basic YTpi", null));
        assertEquals(expected, verifier.challenge(basic));
        assertEquals(null, BearerTokenError.parse(expected).getCode());
    }

    @Test
    void a_refused_token_gets_its_error_and_description_and_a_missing_scope_names_the_scope() throws Exception {
        String token = token();
        issuer.clock.advance(Duration.ofSeconds(400));
        InvalidTokenException expired = assertThrows(InvalidTokenException.class,
                () -> verifier.verifyAuthorizationHeader("Bearer " + token));
        BearerTokenError parsed = BearerTokenError.parse(verifier.challenge(expired));
        assertEquals("invalid_token", parsed.getCode());
        assertEquals("the token has expired", parsed.getDescription());
        assertTrue(verifier.challenge(expired).endsWith(", resource_metadata=\"" + METADATA_URL + "\""));
        issuer.clock.advance(Duration.ofSeconds(-400));
        InsufficientScopeException scope = assertThrows(InsufficientScopeException.class,
                () -> verifier.verifyAuthorizationHeader("Bearer " + token()).requireScope("admin"));
        BearerTokenError insufficient = BearerTokenError.parse(verifier.challenge(scope));
        assertEquals("insufficient_scope", insufficient.getCode());
        assertEquals("admin", insufficient.getScope().toString());
    }

    @Test
    void dpop_failures_get_a_dpop_challenge_with_the_algorithms() throws Exception {
        TestKey agent = TestKey.generate("agent");
        String bound = DpopTestProofs.boundToken(issuer.key, issuer.claims(RESOURCE), agent);
        InvalidTokenException noProof = assertThrows(InvalidTokenException.class,
                () -> verifier.verify("GET", URI.create(RESOURCE), "DPoP " + bound, null));
        DPoPTokenError parsed = DPoPTokenError.parse(verifier.challenge(noProof));
        assertEquals("invalid_dpop_proof", parsed.getCode());
        assertEquals(java.util.Set.of(JWSAlgorithm.ES256), parsed.getJWSAlgorithms());
        InvalidTokenException downgraded = assertThrows(InvalidTokenException.class,
                () -> verifier.verify("GET", URI.create(RESOURCE), "Bearer " + bound, null));
        assertTrue(verifier.challenge(downgraded).startsWith("DPoP error=\"invalid_token\""), verifier.challenge(downgraded));
    }
}
