package agentauth.dpop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * DPoP proofs made by hand for tests, each part open to bending (a header field, a claim, the
 * signature); keys and thumbprints come from Nimbus and the JDK, not from the code under test.
 */
final class ProofMaker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    final ECKey key;

    ProofMaker() {
        try {
            key = new ECKeyGenerator(Curve.P_256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 7638 thumbprint, by Nimbus. */
    String thumbprint() {
        try {
            return key.computeThumbprint().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid proof for {@code method} and {@code htu}; {@code token} (or null) gives ath. */
    String proof(String method, String htu, String token) {
        return proof(method, htu, token, h -> {}, c -> {});
    }

    /** A proof with its header and claims changed by the two callbacks before it is signed. */
    String proof(String method, String htu, String token, Consumer<Map<String, Object>> header,
                 Consumer<Map<String, Object>> claims) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("typ", "dpop+jwt");
        h.put("alg", "ES256");
        h.put("jwk", key.toPublicJWK().toJSONObject());
        header.accept(h);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("jti", UUID.randomUUID().toString());
        c.put("htm", method);
        c.put("htu", htu);
        c.put("iat", System.currentTimeMillis() / 1000);
        if (token != null) c.put("ath", ath(token));
        claims.accept(c);
        return sign(h, c);
    }

    /** header.claims signed with this key (ES256, whatever the header says). */
    String sign(Map<String, Object> header, Map<String, Object> claims) {
        try {
            String input = B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(key.toECPrivateKey());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String ath(String token) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Replaces a compact JWS's signature part. */
    static String withSignature(String jws, String signature) {
        return jws.substring(0, jws.lastIndexOf('.') + 1) + signature;
    }
}
