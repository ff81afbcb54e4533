package agentauth.session;

import agentauth.error.AuthError;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.Family;
import agentauth.store.SessionStore;
import agentauth.store.User;
import agentauth.store.UserStore;
import agentauth.token.TokenIssuer;
import agentauth.user.Account;
import agentauth.user.ServerScopes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Refresh-token families: login starts one, each refresh token works once and is replaced by its
 * successor, and presenting a used one ends the whole family (reuse detection). Each rotation and
 * each reuse verdict happens in one transaction, so of concurrent presentations exactly one wins.
 */
public final class Sessions {
    public static final int MAX_LIVE_FAMILIES = 100;
    private static final Duration LOGIN_RECORD_INTERVAL = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Session lifetimes: refresh TTL, the cap for admin families, and the lost-answer retry window. */
    public record Lifetimes(Duration refreshTtl, Duration adminSessionTtl, Duration retryWindow) {}

    private final Database db;
    private final SessionStore store;
    private final UserStore users;
    private final TokenIssuer issuer;
    private final AuditLog audit;
    private final Lifetimes lifetimes;
    private final Clock clock;

    public Sessions(Database db, SessionStore store, UserStore users, TokenIssuer issuer, AuditLog audit,
                         Lifetimes lifetimes, Clock clock) {
        this.db = db;
        this.store = store;
        this.users = users;
        this.issuer = issuer;
        this.audit = audit;
        this.lifetimes = lifetimes;
        this.clock = clock;
    }

    /** Starts a family for an authenticated user: an access token and the first refresh token. */
    public TokenResponse startFamily(Account user, List<String> scope, String audience, String address) {
        Instant now = clock.instant();
        Duration ttl = scope.contains(ServerScopes.ADMIN) && lifetimes.adminSessionTtl().compareTo(lifetimes.refreshTtl()) < 0
            ? lifetimes.adminSessionTtl() : lifetimes.refreshTtl();
        Family family = new Family(TokenIssuer.randomId(), user.id(), scope, audience, now, now.plus(ttl), null);
        String refresh = newToken();
        db.write(c -> {
            for (String oldest : store.liveFamiliesBeyond(c, user.id(), now, MAX_LIVE_FAMILIES - 1)) {
                store.revokeFamily(c, oldest, now);
                audit.record(c, now, "family_evicted", user.username(), null, address,
                    "more than " + MAX_LIVE_FAMILIES + " live sessions: the oldest ended");
            }
            store.insertFamily(c, family);
            store.insertToken(c, hash(refresh), family.id(), null, now);
            recordLogin(c, user, now, address, "session " + family.id());
            return null;
        });
        return answer(issue(user.username(), scope, family), refresh, family, scope, now);
    }

    /** An access token without a family (client_credentials, RFC 6749 §4.4.3: no refresh token). */
    public TokenResponse accessOnly(Account user, List<String> scope, String audience, String address) {
        Instant now = clock.instant();
        // Agents may take a token per job: record the login at most once a minute per user,
        // so neither the audit table nor the write load grows with that traffic.
        if (user.lastLoginAt() == null || user.lastLoginAt().isBefore(now.minus(LOGIN_RECORD_INTERVAL))) {
            db.write(c -> {
                recordLogin(c, user, now, address, "client_credentials");
                return null;
            });
        }
        TokenIssuer.AccessToken access = issuer.issue(user.username(), scope, audience, null);
        return new TokenResponse(access.value(), access.expiresIn(now), null, null, scope);
    }

    /**
     * Rotates a refresh token. {@code client}: the authenticated OAuth client, whose token it must
     * be (null at the native /refresh, where holding the token is the proof).
     */
    public TokenResponse refresh(String token, String client, String address) {
        return refresh(token, client, null, null, address);
    }

    /**
     * Rotates a refresh token for the OAuth refresh_token grant. {@code requested}: RFC 6749 §6,
     * a subset of the family's scope for this access token only (null: all of it);
     * {@code audience}: RFC 8707, must be the family's (null: the family's). Either refusal leaves
     * the token unused.
     */
    public TokenResponse refresh(String token, String client, List<String> requested, String audience, String address) {
        byte[] hash = hash(token);
        Instant now = clock.instant();
        Outcome outcome = db.write(c -> {
            Optional<SessionStore.Token> found = store.findToken(c, hash);
            if (found.isEmpty()) return Outcome.fail("The refresh token is not valid.");
            SessionStore.Token row = found.get();
            Family family = row.family();
            if (family.revokedAt() != null) return Outcome.fail("The refresh token was revoked.");
            if (!now.isBefore(family.expiresAt())) return Outcome.fail("The refresh token has expired.");
            Optional<User> owner = users.findById(c, family.userId());
            if (client != null && (owner.isEmpty() || !owner.get().username().equals(client)))
                return Outcome.fail("The refresh token was not issued to this client.");
            if (row.usedAt() != null) return reuse(c, token, row, owner, now, address);
            if (owner.isEmpty() || !owner.get().enabled()) {
                store.revokeFamily(c, family.id(), now);
                return Outcome.fail("The refresh token's user is disabled or gone.");
            }
            List<String> scope = new ArrayList<>(family.scope());
            scope.retainAll(owner.get().scopes());
            if (scope.isEmpty() && !family.scope().isEmpty()) {
                store.revokeFamily(c, family.id(), now);
                return Outcome.fail("None of the session's scopes is granted any more.");
            }
            if (audience != null && !audience.equals(family.audience()))
                return Outcome.fail(new AuthError.InvalidTarget("The refresh token was issued for another resource."));
            if (requested != null && !scope.containsAll(requested))
                return Outcome.fail(new AuthError.InvalidScope("The scope requested exceeds the scope of the session."));
            if (scope.size() < family.scope().size()) store.narrowScope(c, family.id(), scope);
            if (requested != null) scope = List.copyOf(requested);
            String next = newToken();
            store.insertToken(c, hash(next), family.id(), hash, now);
            store.recordRefresh(c, family.id(), now);
            String username = owner.get().username();
            List<String> granted = scope;
            if (lifetimes.retryWindow().isZero()) {
                // Signing is most of the work done under the write lock (bench/, JFR profile of the
                // refresh scenario): with no retry copy to seal, it happens after the commit instead.
                store.markUsed(c, hash, now, null, null);
                return Outcome.after(() -> answer(issue(username, granted, family), next, family, granted, now));
            }
            TokenIssuer.AccessToken access = issue(username, scope, family);
            byte[] copy = RetryCopy.seal(token, family.id(), new RetryCopy.Answer(access.value(), access.expiresAt(), next, scope));
            Instant copyUntil = now.plus(lifetimes.retryWindow());
            store.markUsed(c, hash, now, copy, copyUntil);
            // The presented token was its parent's successor: now used, the parent's copy can
            // never be served again, so it goes; expired copies go with every rotation too.
            store.dropRetryCopyOfParent(c, hash);
            store.dropExpiredRetryCopies(c, now);
            return Outcome.ok(answer(access, next, family, scope, now));
        });
        return outcome.get();
    }

    private TokenIssuer.AccessToken issue(String username, List<String> scope, Family family) {
        return issuer.issue(username, scope, family.audience(), family.id(), family.expiresAt());
    }

    private static TokenResponse answer(TokenIssuer.AccessToken access, String refresh, Family family, List<String> scope,
                                        Instant now) {
        return new TokenResponse(access.value(), access.expiresIn(now), refresh, seconds(now, family.expiresAt()), scope);
    }

    /** A login: the user's last login time and the audit event, in the caller's transaction. */
    private void recordLogin(java.sql.Connection c, Account user, Instant now, String address, String detail)
            throws java.sql.SQLException {
        users.touchLastLogin(c, user.id(), now);
        audit.record(c, now, "login", user.username(), null, address, detail);
    }

    /**
     * A used token again: within the retry window, while its successor is unused, the same answer
     * (a client whose answer was lost); otherwise reuse, which ends the family.
     */
    private Outcome reuse(java.sql.Connection c, String token, SessionStore.Token row, Optional<User> owner,
                          Instant now, String address) throws java.sql.SQLException {
        Family family = row.family();
        if (row.successor() != null && row.successorUntil() != null && now.isBefore(row.successorUntil())) {
            RetryCopy.Answer a = RetryCopy.open(token, family.id(), row.successor());
            if (a != null && !store.isUsed(c, hash(a.refreshToken())) && owner.isPresent() && owner.get().enabled())
                return Outcome.ok(new TokenResponse(a.accessToken(), new TokenIssuer.AccessToken(a.accessToken(), null, a.accessExpiresAt()).expiresIn(now),
                    a.refreshToken(), seconds(now, family.expiresAt()), a.scope()));
        }
        store.revokeFamily(c, family.id(), now);
        audit.record(c, now, "refresh_reuse", owner.map(User::username).orElse(null), null, address,
            "a used refresh token was presented again; session " + family.id() + " ended");
        return Outcome.fail("The refresh token was already used; the session has been ended.");
    }

    /** Ends the family of a refresh token (logout). Unknown tokens are ignored. */
    public void logout(String token, String client, String address) {
        byte[] hash = hash(token);
        Instant now = clock.instant();
        db.write(c -> {
            Optional<SessionStore.Token> found = store.findToken(c, hash);
            if (found.isEmpty()) return null;
            Family family = found.get().family();
            Optional<User> owner = users.findById(c, family.userId());
            if (client != null && (owner.isEmpty() || !owner.get().username().equals(client))) return null;
            if (store.revokeFamily(c, family.id(), now))
                audit.record(c, now, "logout", owner.map(User::username).orElse(null), null, address, "session " + family.id());
            return null;
        });
    }

    /** Ends the family {@code sid} when it belongs to {@code client} (RFC 7009 with an access token). */
    public void endFamily(String sid, String client, String address) {
        Instant now = clock.instant();
        db.write(c -> {
            Optional<Family> f = store.family(c, sid);
            if (f.isEmpty()) return null;
            Optional<User> owner = users.findById(c, f.get().userId());
            if (owner.isEmpty() || !owner.get().username().equals(client)) return null;
            if (store.revokeFamily(c, sid, now))
                audit.record(c, now, "logout", owner.get().username(), null, address, "session " + sid);
            return null;
        });
    }

    /** Deletes retry copies whose window has passed (also done by every rotation). */
    public int dropExpiredRetryCopies() {
        Instant now = clock.instant();
        return db.write(c -> store.dropExpiredRetryCopies(c, now));
    }

    /** Deletes families that ended more than {@code keep} ago and expired retry copies. */
    public int prune(Duration keep) {
        Instant now = clock.instant();
        return db.write(c -> store.prune(c, now, now.minus(keep)));
    }

    static String newToken() {
        byte[] b = new byte[32]; // 256 bits
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long seconds(Instant now, Instant until) {
        return Math.max(0, Duration.between(now, until).getSeconds());
    }

    /** A verdict reached inside the transaction; failures are thrown only after it committed. */
    private record Outcome(TokenResponse response, AuthError failure, java.util.function.Supplier<TokenResponse> after) {
        static Outcome ok(TokenResponse r) { return new Outcome(r, null, null); }
        static Outcome fail(String why) { return new Outcome(null, new AuthError.InvalidGrant(why), null); }
        static Outcome fail(AuthError e) { return new Outcome(null, e, null); }
        /** The answer is made after the commit, outside the write lock. */
        static Outcome after(java.util.function.Supplier<TokenResponse> answer) { return new Outcome(null, null, answer); }

        TokenResponse get() {
            if (failure != null) throw failure;
            return after != null ? after.get() : response;
        }
    }
}
