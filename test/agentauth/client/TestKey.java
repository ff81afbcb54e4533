package agentauth.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A P-256 key that signs test tokens with the JDK's own ECDSA (not the Bouncy Castle code
 * under test), and publishes itself as a JWK.
 */
final class TestKey {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    final String kid;
    final KeyPair pair;

    private TestKey(String kid, KeyPair pair) {
        this.kid = kid;
        this.pair = pair;
    }

    static TestKey generate(String kid) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return new TestKey(kid, g.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    ECPublicKey publicKey() {
        return (ECPublicKey) pair.getPublic();
    }

    Map<String, Object> jwk() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("x", B64.encodeToString(coordinate(publicKey().getW().getAffineX())));
        jwk.put("y", B64.encodeToString(coordinate(publicKey().getW().getAffineY())));
        jwk.put("kid", kid);
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        return jwk;
    }

    static byte[] coordinate(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }

    /** The standard header of an agent-auth access token signed by this key. */
    Map<String, Object> header() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", "ES256");
        h.put("typ", "at+jwt");
        h.put("kid", kid);
        return h;
    }

    /** The claims of an agent-auth access token valid for 5 minutes from {@code nowSeconds}. */
    static Map<String, Object> claims(String issuer, String audience, long nowSeconds) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put("sub", "agent-1");
        c.put("aud", audience);
        c.put("exp", nowSeconds + 300);
        c.put("iat", nowSeconds);
        c.put("jti", "jti-" + nowSeconds + "-" + System.nanoTime());
        c.put("client_id", "agent-1");
        c.put("scope", "read write");
        c.put("sid", "family-1");
        return c;
    }

    String sign(Map<String, Object> header, Map<String, Object> claims) {
        try {
            return signRaw(JSON.writeValueAsString(header), JSON.writeValueAsString(claims));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs exactly these JSON texts (for duplicate keys and other hand-made payloads). */
    String signRaw(String headerJson, String claimsJson) {
        String input = B64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
        return input + "." + B64.encodeToString(sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** R || S, as JWS wants it. */
    byte[] sign(byte[] input) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(pair.getPrivate());
            s.update(input);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    static byte[] copy(byte[] a) {
        return Arrays.copyOf(a, a.length);
    }
}
