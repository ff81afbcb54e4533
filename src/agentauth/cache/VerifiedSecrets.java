package agentauth.cache;

import agentauth.store.User;
import agentauth.crypto.HmacSha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.Mac;

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
    private record Entry(byte[] mac, long credentialVersion, String passwordHash) {}

    private final HmacSha256 hmac = HmacSha256.ephemeral();
    private final ExpiringMap<Long, Entry> entries;
    private final Duration ttl;
    private final Clock clock;

    public VerifiedSecrets(Duration ttl, int maxEntries, Clock clock) {
        this.entries = new ExpiringMap<>(maxEntries);
        this.ttl = ttl;
        this.clock = clock;
    }

    /** True when {@code secret} is the one this user's current credentials accepted recently. */
    public boolean matches(User user, byte[] secret) {
        Entry e = entries.get(user.id(), clock.instant());
        if (e == null) return false;
        if (e.credentialVersion() != user.credentialVersion() || !e.passwordHash().equals(user.passwordHash())) {
            entries.remove(user.id(), e);
            return false;
        }
        return MessageDigest.isEqual(e.mac(), mac(user.id(), secret)); // constant time
    }

    /** Records that Argon2 accepted {@code secret} for {@code user} as read now. */
    public void remember(User user, byte[] secret) {
        Instant now = clock.instant();
        entries.put(user.id(), new Entry(mac(user.id(), secret), user.credentialVersion(), user.passwordHash()),
            now.plus(ttl), now);
    }

    private byte[] mac(long userId, byte[] secret) {
        Mac m = hmac.mac();
        m.update(ByteBuffer.allocate(8).putLong(userId).array());
        return m.doFinal(secret);
    }
}
