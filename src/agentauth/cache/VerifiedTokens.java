package agentauth.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/**
 * Access tokens whose signature and claims were verified already, keyed by the SHA-256 of the
 * whole token (so a token that differs in any byte is a miss, and no token is held in memory),
 * kept until the token expires. A hit spares the ECDSA verification and the JSON decoding only:
 * the caller still checks expiry against its clock and everything that can change (key
 * revocation, the user's live state). Bounded; thread-safe.
 *
 * @param <V> what the caller derived from the verified token (its claims)
 */
public final class VerifiedTokens<V> {
    private final ExpiringMap<ByteBuffer, V> entries;

    public VerifiedTokens(int maxEntries) {
        this.entries = new ExpiringMap<>(maxEntries);
    }

    /** The key of a token: its SHA-256. */
    public static ByteBuffer key(String token) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** What was stored for this token, or null when unknown or expired at {@code now}. */
    public V get(ByteBuffer key, Instant now) {
        return entries.get(key, now);
    }

    public void put(ByteBuffer key, V value, Instant expiresAt, Instant now) {
        entries.put(key, value, expiresAt, now);
    }
}
