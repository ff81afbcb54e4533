package agentauth.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The JWKS document (RFC 7517), serialized once and served as bytes until a key changes or drops out. */
final class Jwks {
    /** {@code source}: the key set it was built from, so a document built from a replaced set is never served. */
    private record Cached(byte[] bytes, Instant validUntil, Map<String, SigningKeys.Key> source) {}

    private volatile Cached cached;

    byte[] bytes(Instant now, Map<String, SigningKeys.Key> keys) {
        Cached c = cached;
        if (c != null && c.source() == keys && now.isBefore(c.validUntil())) return c.bytes();
        Instant validUntil = Instant.MAX;
        List<String> entries = new ArrayList<>();
        for (SigningKeys.Key k : keys.values()) {
            if (!k.publishedAt(now)) continue;
            entries.add(jwk(k.kid(), k.publicKey()));
            Instant until = k.publishedUntil();
            if (until != null && until.isBefore(validUntil)) validUntil = until;
        }
        byte[] bytes = ("{\"keys\":[" + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
        cached = new Cached(bytes, validUntil, keys);
        return bytes;
    }

    private static String jwk(String kid, ECPublicKey key) {
        // kid, x and y are base64url: nothing in them needs JSON escaping
        return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + coordinate(key.getW().getAffineX()) + "\",\"y\":\""
            + coordinate(key.getW().getAffineY()) + "\",\"kid\":\"" + kid + "\",\"use\":\"sig\",\"alg\":\"ES256\"}";
    }

    /** RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order. */
    static String thumbprint(ECPublicKey key) {
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + coordinate(key.getW().getAffineX())
            + "\",\"y\":\"" + coordinate(key.getW().getAffineY()) + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 7518 §6.2.1.2: the coordinate as exactly 32 big-endian bytes. */
    static String coordinate(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] fixed = new byte[32];
        int len = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - len, fixed, 32 - len, len);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }
}
