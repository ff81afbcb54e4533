package agentauth.cache;

import agentauth.store.User;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets that passed Argon2 recently, so an agent that authenticates again and again (client
 * credentials, repeated logins, introspection callers) does not pay a hash each time. Argon2
 * still protects the stored credentials: what is kept here is an HMAC of the accepted secret
 * under a random key that lives only in this process, for a short time, per user.
 *
 * <p>A record matches only the same user row in the same credential state: the user's id, its
 * credential version (bumped by every change of password, scopes or enabled, in this process
 * or by the CLI in another, and read with the user row on every request) and its stored hash
 * (a user deleted and created again under a reused id has a new salt). The caller consults it
 * only after the throttle let the request through, and a mismatch takes the Argon2 path.
 * Thread-safe.
 */
public final class VerifiedSecrets {
    private record Entry(byte[] mac, long credentialVersion, String passwordHash, Instant until) {}

    private final ThreadLocal<Mac> macs;
    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;

    public VerifiedSecrets(Duration ttl, int maxEntries, Clock clock) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(spec);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** True when {@code secret} is the one this user's current credentials accepted recently. */
    public boolean matches(User user, byte[] secret) {
        Entry e = entries.get(user.id());
        if (e == null) return false;
        if (e.credentialVersion() != user.credentialVersion() || !e.passwordHash().equals(user.passwordHash())
            || !clock.instant().isBefore(e.until())) {
            entries.remove(user.id(), e);
            return false;
        }
        return MessageDigest.isEqual(e.mac(), mac(user.id(), secret)); // constant time
    }

    /** Records that Argon2 accepted {@code secret} for {@code user} as read now. */
    public void remember(User user, byte[] secret) {
        if (entries.size() >= maxEntries) prune();
        entries.put(user.id(), new Entry(mac(user.id(), secret), user.credentialVersion(), user.passwordHash(),
            clock.instant().plus(ttl)));
    }

    int size() {
        return entries.size();
    }

    /** Expired records go first; if the table is still full, it starts over (bounded memory). */
    private void prune() {
        Instant now = clock.instant();
        entries.values().removeIf(e -> !now.isBefore(e.until()));
        if (entries.size() >= maxEntries) entries.clear();
    }

    private byte[] mac(long userId, byte[] secret) {
        Mac m = macs.get(); // doFinal resets it for the next use on this thread
        m.update(ByteBuffer.allocate(8).putLong(userId).array());
        return m.doFinal(secret);
    }
}
