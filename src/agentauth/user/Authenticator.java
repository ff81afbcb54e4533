package agentauth.user;

import agentauth.cache.VerifiedSecrets;
import agentauth.error.AuthError;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.User;
import agentauth.store.UserStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks a name and secret. An unknown name, a wrong secret and a disabled user cost the same
 * Argon2 work and get the same {@code invalid_client}, so neither the answer nor its timing
 * tells whether a user exists.
 *
 * <p>A secret Argon2 accepted moments ago for the same user row passes again without a hash
 * ({@link VerifiedSecrets}): agents that authenticate on every call would otherwise be bound to
 * about one hash per core every 20 ms. Only a secret that was right can be fast, so the timing
 * of a wrong guess stays the Argon2 timing.
 *
 * <p>Such a repeat within {@link #RECORD_EVERY} of the last recorded login of the same user is
 * counted instead of written (last_login_at and a {@code login} event are a commit and an audit
 * row each: 40% of an introspection's CPU in bench/, and 8,000 rows a second for one busy
 * client); the next recorded login says how many were folded into it.
 */
public final class Authenticator {
    /** How long an accepted secret skips Argon2, and for how many users at most. */
    static final Duration VERIFIED_TTL = Duration.ofMinutes(5);
    static final int VERIFIED_MAX = 10_000;

    private final Database db;
    private final UserStore users;
    private final PasswordHasher hasher;
    private final Throttle throttle;
    private final AuditLog audit;
    private final Clock clock;
    private final VerifiedSecrets verified;
    private final ConcurrentHashMap<Long, Recorded> recorded = new ConcurrentHashMap<>();

    /** The last login written for a user, and the cached repeats since that were not. */
    private record Recorded(Instant at, AtomicLong folded) {}

    static final Duration RECORD_EVERY = Duration.ofSeconds(1);

    public Authenticator(Database db, UserStore users, PasswordHasher hasher, Throttle throttle, AuditLog audit, Clock clock) {
        this(db, users, hasher, throttle, audit, clock, new VerifiedSecrets(VERIFIED_TTL, VERIFIED_MAX, clock));
    }

    public Authenticator(Database db, UserStore users, PasswordHasher hasher, Throttle throttle, AuditLog audit, Clock clock,
                         VerifiedSecrets verified) {
        this.db = db;
        this.users = users;
        this.hasher = hasher;
        this.throttle = throttle;
        this.audit = audit;
        this.clock = clock;
        this.verified = verified;
    }

    /** The user whose secret this is; records the login (last_login_at and the audit event). */
    public User authenticate(String name, String secret, String address) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 1024) throw new AuthError.InvalidRequest("password is longer than 1024 bytes.");
        throttle.check(name, address);
        try {
            Optional<User> found = validName(name) ? users.find(name) : Optional.empty();
            // after the throttle: a cached secret never lets more attempts through than Argon2 would
            boolean ok = found.isPresent() && verified.matches(found.get(), bytes);
            boolean hashed = !ok;
            if (hashed) ok = hasher.verify(found.map(User::passwordHash).orElse(null), bytes,
                throttle.recentlySucceeded(name, address));
            Instant now = clock.instant();
            if (!ok || !found.get().enabled()) {
                throttle.failed(name, address);
                audit.record(now, "login_failed", found.map(User::username).orElse(name), null, address,
                    found.isEmpty() ? "unknown name" : ok ? "user disabled" : "wrong secret");
                throw new AuthError.InvalidClient();
            }
            throttle.succeeded(name, address);
            User user = found.get();
            if (hashed) verified.remember(user, bytes);
            Recorded last = recorded.get(user.id());
            if (!hashed && last != null && now.isBefore(last.at().plus(RECORD_EVERY))) {
                last.folded().incrementAndGet();
                return user;
            }
            String rehash = hasher.needsRehash(user.passwordHash()) ? hasher.hash(bytes.clone()) : null;
            long folded = last == null ? 0 : last.folded().getAndSet(0);
            if (recorded.size() >= VERIFIED_MAX) recorded.clear(); // bounded; losing it costs one write more
            recorded.put(user.id(), new Recorded(now, new AtomicLong()));
            String detail = rehash != null ? "password hash upgraded"
                : folded > 0 ? folded + " more since the previous login event, not logged one by one" : null;
            db.write(c -> {
                users.touchLastLogin(c, user.id(), now);
                if (rehash != null) users.replaceHash(c, user.id(), rehash);
                audit.record(c, now, "login", user.username(), null, address, detail);
                return null;
            });
            return user;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static boolean validName(String name) {
        try {
            Rules.username(name);
            return true;
        } catch (AuthError e) {
            return false;
        }
    }
}
