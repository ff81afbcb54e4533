package agentauth.user;

import agentauth.cache.VerifiedSecrets;
import agentauth.error.AuthError;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.User;
import agentauth.store.UserStore;
import agentauth.throttle.Throttle;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Checks a name and secret. An unknown name, a wrong secret and a disabled user get the same
 * {@code invalid_client} and cost what a check with the strongest Argon2 parameters in use
 * costs (see {@link PasswordHasher.Check#topUp}), so neither the answer nor its timing tells
 * whether a user exists, even after the parameters changed.
 *
 * <p>A secret Argon2 accepted moments ago for the same user row passes again without a hash
 * ({@link VerifiedSecrets}): agents that authenticate on every call would otherwise be bound to
 * about one hash per core every 20 ms. Only a secret that was right can be fast, so the timing
 * of a wrong guess stays the Argon2 timing.
 */
public final class Authenticator {
    /** How long an accepted secret skips Argon2, and for how many users at most. */
    static final Duration VERIFIED_TTL = Duration.ofMinutes(5);
    static final int VERIFIED_MAX = 10_000;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Authenticator.class);
    private final Database db;
    private final UserStore users;
    private final PasswordHasher hasher;
    private final Throttle throttle;
    private final AuditLog audit;
    private final Clock clock;
    private final VerifiedSecrets verified;

    public Authenticator(Database db, UserStore users, PasswordHasher hasher, Throttle throttle, AuditLog audit, Clock clock) {
        this.db = db;
        this.users = users;
        this.hasher = hasher;
        this.throttle = throttle;
        this.audit = audit;
        this.clock = clock;
        this.verified = new VerifiedSecrets(VERIFIED_TTL, VERIFIED_MAX, clock);
        // The strongest parameters in use may be a stored hash's (made before the settings were
        // lowered, or by the CLI with other flags): the dummy must cost what checking it costs.
        for (User u : users.list()) hasher.notice(u.passwordHash());
        hasher.dummyHash();
    }

    /**
     * The user whose secret this is. Checking a secret is not yet a login: the grant that issues
     * tokens records that, so a request refused after this (bad scope, bad refresh token,
     * introspection) changes nothing.
     */
    public Account authenticate(String name, String secret, String address) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 1024) throw new AuthError.InvalidRequest("password is longer than 1024 bytes.");
        Throttle.Attempt attempt = throttle.check(name, address);
        try {
            Optional<User> found = validName(name) ? users.find(name) : Optional.empty();
            // after the throttle: a cached secret never lets more attempts through than Argon2 would
            boolean ok = found.isPresent() && verified.matches(found.get(), bytes);
            PasswordHasher.Check check = null;
            if (!ok) {
                check = hasher.check(found.map(User::passwordHash).orElse(null), bytes, attempt.recentlySucceeded());
                ok = check.matches();
            }
            Instant now = clock.instant();
            if (!ok || !found.get().enabled()) {
                attempt.failed();
                audit.record(now, "login_failed", found.map(User::username).orElse(name), null, address,
                    found.isEmpty() ? "unknown name" : ok ? "user disabled" : "wrong secret");
                if (check != null) check.topUp(); // a weaker hash fails as slowly as the strongest
                throw new AuthError.InvalidClient();
            }
            User user = found.get();
            if (user.policy().expired(now)) { // contract C: told only to the secret's holder, after the check
                attempt.failed();
                audit.record(now, "login_failed", user.username(), null, address, "identity expired");
                throw new AuthError.InvalidClient("This identity has expired (expires_at); an admin can extend it.");
            }
            attempt.succeeded();
            org.slf4j.MDC.put("sub", user.username()); // the request's log lines and access line name it
            if (check != null) verified.remember(user, bytes);
            if (hasher.needsRehash(user.passwordHash())) upgrade(user, bytes);
            return Account.of(user);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Stronger parameters configured since: upgrade the hash now, while we hold the secret. Not a
     * credential change, so the user's tokens stay valid; a busy hasher only postpones it to the
     * next login instead of failing one that succeeded.
     */
    private void upgrade(User user, byte[] secret) {
        try {
            String rehash = hasher.hash(secret.clone());
            db.write(c -> {
                users.replaceHash(c, user.id(), user.passwordHash(), rehash);
                return null;
            });
            log.info("password hash of {} upgraded to the configured Argon2 parameters", user.username());
        } catch (AuthError.TemporarilyUnavailable e) {
            log.info("password hash of {} not upgraded now: {}", user.username(), e.description());
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
