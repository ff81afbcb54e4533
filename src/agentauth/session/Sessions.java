package agentauth.session;

import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.Family;
import agentauth.store.IssuanceStore;
import agentauth.store.RevocationStore;
import agentauth.store.SessionStore;
import agentauth.store.User;
import agentauth.store.UserStore;
import agentauth.token.TokenIssuer;
import agentauth.user.Account;
import agentauth.user.PolicyRules;
import agentauth.user.ServerScopes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The sessions of agents: a login starts one (a refresh-token family), each refresh token works
 * once and is replaced by its successor ({@link Rotation}), and presenting a used one ends the
 * whole session (reuse detection). Also the access tokens that come without a session
 * (client_credentials), and the ends of sessions (logout, RFC 7009 revocation, pruning).
 */
public final class Sessions {
    public static final int MAX_LIVE_FAMILIES = 100;
    /** Logins without a session, and the last use of any agent, are recorded at most this often. */
    static final Duration LOGIN_RECORD_INTERVAL = Duration.ofMinutes(1);

    /** Session lifetimes: refresh TTL, the cap for admin sessions, and the lost-answer retry window. */
    public record Lifetimes(Duration refreshTtl, Duration adminSessionTtl, Duration retryWindow) {}

    private final Database db;
    private final SessionStore store;
    private final UserStore users;
    private final TokenIssuer issuer;
    private final AuditLog audit;
    private volatile Lifetimes lifetimes;
    private final Clock clock;
    private final Rotation rotation;
    private final PolicyRules rules;
    private final Quota quota;

    /**
     * @param rules  the agents' own refresh TTLs, capped at the server's maximum
     * @param events told of reuse detected and retry-window answers, once committed
     */
    public Sessions(Database db, SessionStore store, UserStore users, TokenIssuer issuer, AuditLog audit,
                    RevocationStore revocations, Lifetimes lifetimes, PolicyRules rules, Clock clock,
                    agentauth.metrics.Events events) {
        this.db = db;
        this.store = store;
        this.users = users;
        this.issuer = issuer;
        this.audit = audit;
        this.lifetimes = lifetimes;
        this.clock = clock;
        this.rules = rules;
        this.quota = new Quota(new IssuanceStore(), audit);
        this.rotation = new Rotation(db, store, users, issuer, audit, revocations, lifetimes.retryWindow(), quota, events);
    }

    /** A shared setting changed: sessions started and rotated from now on follow these lifetimes. */
    public void lifetimes(Lifetimes lifetimes) {
        this.lifetimes = lifetimes;
        rotation.retryWindow(lifetimes.retryWindow());
    }

    /** Starts a session for an authenticated user: an access token and the first refresh token. */
    public TokenResponse startFamily(Account user, List<String> scope, String audience, String address) {
        return startFamily(user, scope, audience, address, Proof.NONE);
    }

    /**
     * As above; with {@code jkt} (a DPoP proof's key thumbprint) the session is bound to that key
     * for life, and so is every access token it gets (contract D: only at login, never later).
     */
    public TokenResponse startFamily(Account user, List<String> scope, String audience, String address, Proof proof) {
        String jkt = proof.jkt();
        Instant now = clock.instant();
        Duration refreshTtl = rules.refreshTtl(user.policy(), lifetimes.refreshTtl());
        Duration ttl = scope.contains(ServerScopes.ADMIN) && lifetimes.adminSessionTtl().compareTo(refreshTtl) < 0
            ? lifetimes.adminSessionTtl() : refreshTtl;
        // Contract C: a session never outlives the identity (expires_at)
        Family family = new Family(OpaqueTokens.newSessionId(), user.id(), scope, audience, now,
            user.policy().cap(now.plus(ttl)), null, jkt);
        String refresh = OpaqueTokens.newToken();
        db.write(c -> {
            proof.record(c);
            recordLogin(c, user, now, address, "session " + family.id()); // the user's row first: one lock order
            quota.take(c, user, now, address); // over quota: 429, and this transaction leaves nothing behind
            for (String oldest : store.liveFamiliesBeyond(c, user.id(), now, MAX_LIVE_FAMILIES - 1)) {
                store.revokeFamily(c, oldest, now);
                audit.record(c, now, "family_evicted", user.username(), null, address,
                    "more than " + MAX_LIVE_FAMILIES + " live sessions: the oldest ended");
            }
            store.insertFamily(c, family);
            store.insertToken(c, OpaqueTokens.hash(refresh), family.id(), null, now);
            return null;
        });
        TokenIssuer.AccessToken access = issuer.issue(user, scope, audience, family.id(), family.expiresAt(), jkt);
        return answer(access, refresh, family.expiresAt(), scope, now, jkt != null);
    }

    /** An access token without a session (client_credentials, RFC 6749 §4.4.3: no refresh token). */
    public TokenResponse accessOnly(Account user, List<String> scope, String audience, String address) {
        return accessOnly(user, scope, audience, address, Proof.NONE);
    }

    /** As above, bound to the key of the DPoP proof when one came. */
    public TokenResponse accessOnly(Account user, List<String> scope, String audience, String address, Proof proof) {
        String jkt = proof.jkt();
        Instant now = clock.instant();
        // Agents may take a token per job: record the login at most once a minute per user,
        // so neither the audit table nor the write load grows with that traffic.
        boolean recordLogin = user.lastLoginAt() == null || user.lastLoginAt().isBefore(now.minus(LOGIN_RECORD_INTERVAL));
        // a DPoP proof is recorded (replay), and a quota counts every token, in the database
        if (recordLogin || proof.recorder() != null || user.policy().quota() != null) {
            db.write(c -> {
                proof.record(c);
                if (recordLogin) recordLogin(c, user, now, address, "client_credentials");
                quota.take(c, user, now, address);
                return null;
            });
        }
        TokenIssuer.AccessToken access = issuer.issue(user, scope, audience, null, null, jkt);
        return new TokenResponse(access.value(), access.expiresIn(now), null, null, scope, jkt != null);
    }

    /**
     * Rotates a refresh token. {@code client}: the authenticated OAuth client, whose token it must
     * be (null at the native /refresh, where holding the token is the proof).
     */
    public TokenResponse refresh(String token, String client, String address) {
        return refresh(token, client, null, null, address, Proof.NONE);
    }

    /**
     * The DPoP proof that came with a request: its key's thumbprint (null: none), and whether a
     * request without one is refused (contract D: {@code --dpop required}).
     */
    public record Proof(String jkt, boolean required, Recorder recorder) {
        public static final Proof NONE = new Proof(null, false, null);

        /** Records a checked proof as used, in the transaction of what it authorizes; throws to refuse a replay. */
        @FunctionalInterface
        public interface Recorder {
            void record(Connection c) throws SQLException;
        }

        void record(Connection c) throws SQLException {
            if (recorder != null) recorder.record(c);
        }
    }

    /**
     * Rotates a refresh token for the OAuth refresh_token grant. {@code requested}: RFC 6749 §6,
     * a subset of the session's scope for this access token only (null: all of it);
     * {@code audience}: RFC 8707, must be the session's (null: the session's). Either refusal
     * leaves the token unused.
     */
    public TokenResponse refresh(String token, String client, List<String> requested, String audience, String address) {
        return refresh(token, client, requested, audience, address, Proof.NONE);
    }

    /**
     * As above, with the DPoP proof that came: a session bound at login is refreshed only with a
     * proof from its key, and the access token is bound to the proof's key.
     */
    public TokenResponse refresh(String token, String client, List<String> requested, String audience, String address,
                                 Proof proof) {
        return rotation.rotate(new Rotation.Request(token, client, requested, audience, address, proof), clock.instant());
    }

    /** Ends the session of a refresh token (logout). Unknown tokens are ignored. */
    public void logout(String token, String client, String address) {
        logout(token, client, address, null);
    }

    /**
     * As above; a session bound to a DPoP key ends only with a proof from it ({@code jkt}), so a
     * stolen bound refresh token cannot end the agent's session.
     */
    public void logout(String token, String client, String address, String jkt) {
        Instant now = clock.instant();
        db.write(c -> {
            Optional<SessionStore.Token> found = store.lockFamilyOf(c, OpaqueTokens.hash(token));
            if (found.isPresent()) end(c, found.get().family(), client, address, now, jkt);
            return null;
        });
    }

    /** Ends the session {@code sid} when it belongs to {@code client} (RFC 7009 with an access token). */
    public void endFamily(String sid, String client, String address, String jkt) {
        Instant now = clock.instant();
        db.write(c -> {
            Optional<Family> f = store.family(c, sid);
            if (f.isPresent()) end(c, f.get(), client, address, now, jkt);
            return null;
        });
    }

    private void end(Connection c, Family family, String client, String address, Instant now, String jkt)
            throws SQLException {
        Optional<User> owner = users.findById(c, family.userId());
        if (client != null && (owner.isEmpty() || !owner.get().username().equals(client))) return;
        if (family.dpopJkt() != null && !family.dpopJkt().equals(jkt) && family.revokedAt() == null)
            throw new agentauth.error.AuthError.InvalidDpopProof("This session is DPoP-bound: it ends only with a proof "
                + "from its key.");
        if (store.revokeFamily(c, family.id(), now))
            audit.record(c, now, "logout", owner.map(User::username).orElse(null), null, address, "session " + family.id());
    }

    /** Deletes retry copies whose window has passed (also done by every rotation). */
    public int dropExpiredRetryCopies() {
        Instant now = clock.instant();
        return db.write(c -> store.dropExpiredRetryCopies(c, now));
    }

    /** Deletes sessions that ended more than {@code keep} ago and expired retry copies. */
    public int prune(Duration keep) {
        Instant now = clock.instant();
        return db.write(c -> store.prune(c, now, now.minus(keep)));
    }

    /** A login: the user's last login time and the audit event, in the caller's transaction. */
    private void recordLogin(Connection c, Account user, Instant now, String address, String detail) throws SQLException {
        users.touchLogin(c, user.id(), now);
        audit.record(c, now, "login", user.username(), null, address, detail);
    }

    /** @param sessionEnd the family's end, or the identity's when that comes first */
    static TokenResponse answer(TokenIssuer.AccessToken access, String refresh, Instant sessionEnd, List<String> scope,
                                Instant now, boolean bound) {
        return new TokenResponse(access.value(), access.expiresIn(now), refresh, seconds(now, sessionEnd), scope, bound);
    }

    static long seconds(Instant now, Instant until) {
        return Math.max(0, Duration.between(now, until).getSeconds());
    }
}
