package agentauth.client;

import com.nimbusds.jose.jwk.ECKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * DPoP proofs made by hand for tests, so that each can be bent in one way; keys and
 * thumbprints go through Nimbus, not the code under test.
 */
final class DpopTestProofs {
    private DpopTestProofs() {
    }

    /** RFC 7638 thumbprint of the key, computed by Nimbus. */
    static String thumbprint(TestKey key) {
        try {
            return ECKey.parse(publicJwk(key)).computeThumbprint().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> publicJwk(TestKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("x", key.jwk().get("x"));
        jwk.put("y", key.jwk().get("y"));
        return jwk;
    }

    static Map<String, Object> header(TestKey key) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("typ", "dpop+jwt");
        h.put("alg", "ES256");
        h.put("jwk", publicJwk(key));
        return h;
    }

    static Map<String, Object> claims(String method, String htu, String accessToken, long iat) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("jti", UUID.randomUUID().toString());
        c.put("htm", method);
        c.put("htu", htu);
        c.put("iat", iat);
        c.put("ath", ath(accessToken));
        return c;
    }

    static String ath(String accessToken) {
        try {
            return TestKey.b64(MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An access token bound to {@code agent}'s key, signed by the issuer's key. */
    static String boundToken(TestKey issuerKey, Map<String, Object> claims, TestKey agent) {
        Map<String, Object> c = new LinkedHashMap<>(claims);
        c.put("cnf", Map.of("jkt", thumbprint(agent)));
        return issuerKey.sign(issuerKey.header(), c);
    }
}
