package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
    @AutoClose
    static final TestServer server = TestServer.start();
    static final Http http = new Http(server.url());

    @Test
    void the_access_token_signature_verifies_with_the_jdk_against_the_jwks_coordinates() throws Exception {
        String token = http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
        Http.Response jwks = http.get("/.well-known/jwks.json");
        assertEquals(200, jwks.status());
        assertEquals("public, max-age=300", jwks.header("Cache-Control"));
        JsonNode key = jwks.json().get("keys").get(0);
        assertEquals("EC", key.get("kty").asText());
        assertEquals("P-256", key.get("crv").asText());
        assertEquals("sig", key.get("use").asText());
        assertEquals("ES256", key.get("alg").asText());
        String[] parts = token.split("\\.");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"kid\":\"" + key.get("kid").asText() + "\""), header);

        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECPoint w = new ECPoint(new BigInteger(1, Base64.getUrlDecoder().decode(key.get("x").asText())),
            new BigInteger(1, Base64.getUrlDecoder().decode(key.get("y").asText())));
        PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, params.getParameterSpec(ECParameterSpec.class)));
        byte[] rs = Base64.getUrlDecoder().decode(parts[2]);
        assertEquals(64, rs.length, "JOSE signatures are R||S");
        Signature sig = Signature.getInstance("SHA256withECDSAinP1363Format");
        sig.initVerify(pub);
        sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(sig.verify(rs));
        byte[] flipped = Arrays.copyOf(rs, 64);
        flipped[10] ^= 1;
        sig.initVerify(pub);
        sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(!sig.verify(flipped));
    }

    @Test
    void metadata_follows_rfc_8414() {
        JsonNode m = http.get("/.well-known/oauth-authorization-server").json();
        assertEquals(server.url(), m.get("issuer").asText());
        assertEquals(server.url() + "/.well-known/jwks.json", m.get("jwks_uri").asText());
        assertEquals(server.url() + "/oauth/token", m.get("token_endpoint").asText());
        assertEquals(server.url() + "/oauth/revoke", m.get("revocation_endpoint").asText());
        assertEquals(server.url() + "/oauth/introspect", m.get("introspection_endpoint").asText());
        assertTrue(m.get("response_types_supported").isArray());
    }

    @Test
    void health_answers_ok_while_the_database_answers() {
        Http.Response r = http.get("/health");
        assertEquals(200, r.status());
        assertEquals("ok", r.text("status"));
    }

    @Test
    void root_redirects_to_the_admin_page() {
        Http.Response r = http.get("/");
        assertEquals(302, r.status());
        assertEquals("/admin/", r.header("Location"));
    }
}
