package agentauth.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The JWKS document (RFC 7517), serialized once per key set and served as bytes, with an ETag
 * from its content and a max-age that never outlasts its next change (contract F): verifiers
 * that cache it for the whole max-age never miss a key that starts to sign, nor keep one that left.
 */
public final class Jwks {
    /** The document, its ETag, and how long it may be cached as it is. */
    public record Document(byte[] bytes, String etag, long maxAgeSeconds) {}

    private record Built(KeySet source, Instant validUntil, byte[] bytes, String etag) {}

    private volatile Built built;

    Document document(Instant now, KeySet keys, Instant nextScheduledChange) {
        Built b = built;
        if (b == null || b.source() != keys || !now.isBefore(b.validUntil())) b = build(now, keys);
        Instant change = b.validUntil();
        if (nextScheduledChange != null && nextScheduledChange.isBefore(change)) change = nextScheduledChange;
        long seconds = Math.max(0, Duration.between(now, change).getSeconds());
        return new Document(b.bytes(), b.etag(), Math.min(KeyRotation.JWKS_MAX_AGE.toSeconds(), seconds));
    }

    private Built build(Instant now, KeySet keys) {
        List<String> entries = new ArrayList<>();
        for (KeySet.Key k : keys.all()) if (keys.published(k, now)) entries.add(jwk(k.kid(), k.publicKey()));
        byte[] bytes = ("{\"keys\":[" + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
        Instant drop = keys.nextDrop(now);
        Built b = new Built(keys, drop == null ? Instant.MAX : drop, bytes, "\"" + digest(bytes).substring(0, 22) + "\"");
        built = b;
        return b;
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
        return digest(canonical.getBytes(StandardCharsets.UTF_8));
    }

    private static String digest(byte[] bytes) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
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
