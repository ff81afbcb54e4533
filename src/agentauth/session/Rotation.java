package agentauth.session;

import agentauth.error.AuthError;
import agentauth.metrics.Events;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.Family;
import agentauth.store.RevocationStore;
import agentauth.store.SessionStore;
import agentauth.store.SessionStore.Token;
import agentauth.store.User;
import agentauth.store.UserStore;
import agentauth.token.TokenIssuer;
import agentauth.user.Account;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One refresh, as the contract states it, in one transaction: find the token and lock its family;
 * refuse an ended family; claim the token; then the successor, or, when it was claimed before,
 * the retry window's answer or reuse (the family ends). The family's row lock orders every
 * rotation, revocation and reuse verdict of one family, and the claim is a conditional UPDATE,
 * so of concurrent presentations exactly one wins, at any isolation level (fosite's
 * {@code flow_refresh.go} handles reuse the same way).
 *
 * <p>A refusal that leaves the token unused (another resource, a wider scope) rolls the whole
 * transaction back, claim included; a verdict that ends the family commits, then fails.
 */
final class Rotation {
    /** What the caller asked: the token, and for the OAuth grant its client, scope and resource. */
    record Request(String token, String client, List<String> requested, String audience, String address,
                   Sessions.Proof proof) {
        String jkt() {
            return proof.jkt();
        }
    }

    private final Database db;
    private final SessionStore store;
    private final UserStore users;
    private final TokenIssuer issuer;
    private final AuditLog audit;
    private final RevocationStore revocations;
    private volatile Duration retryWindow;
    private final Events events;

    private final Quota quota;

    Rotation(Database db, SessionStore store, UserStore users, TokenIssuer issuer, AuditLog audit,
             RevocationStore revocations, Duration retryWindow, Quota quota, Events events) {
        this.quota = quota;
        this.events = events;
        this.db = db;
        this.store = store;
        this.users = users;
        this.issuer = issuer;
        this.audit = audit;
        this.revocations = revocations;
        this.retryWindow = retryWindow;
    }

    void retryWindow(Duration window) {
        this.retryWindow = window;
    }

    TokenResponse rotate(Request r, Instant now) {
        byte[] hash = OpaqueTokens.hash(r.token());
        return db.write(c -> {
            r.proof().record(c); // one transaction with the rotation: a replayed proof rolls it back
            SessionStore.Locked locked = store.lockFamilyAndOwnerOf(c, hash)
                .orElseThrow(() -> refused("The refresh token is not valid."));
            Family family = locked.token().family();
            if (family.revokedAt() != null) throw refused("The refresh token was revoked.");
            if (!now.isBefore(family.expiresAt())) throw refused("The refresh token has expired.");
            Optional<User> owner = locked.owner();
            if (r.client() != null && (owner.isEmpty() || !owner.get().username().equals(r.client())))
                throw refused("The refresh token was not issued to this client.");
            // Contract D: the key before reuse detection, so a thief without it consumes and ends nothing.
            if (family.dpopJkt() != null && !family.dpopJkt().equals(r.jkt())) return keyMismatch(c, r, family, owner, now);
            if (r.jkt() == null && (r.proof().required() || owner.isPresent() && owner.get().dpopRequired()))
                throw new AuthError.InvalidDpopProof("A DPoP proof is required to refresh this session.");
            String next = OpaqueTokens.newToken();
            if (!store.claimWithSuccessor(c, hash, OpaqueTokens.hash(next), family.id(), now))
                return retryOrReuse(c, r, family, owner, now);
            return successor(c, r, hash, next, family, owner, now);
        }).get();
    }

    /**
     * The claimed token's successor {@code next} (stored with the claim): the answer with it and
     * the access token for the scope still held, unless the session ends or the request is refused.
     */
    private Outcome successor(Connection c, Request r, byte[] hash, String next, Family family, Optional<User> owner, Instant now)
            throws SQLException {
        if (owner.isEmpty() || !owner.get().enabled())
            return end(c, family, now, "The refresh token's user is disabled or gone.");
        // Contract C: refused, not ended (this rolls back): an admin who extends the identity revives the session
        if (owner.get().policy().expired(now)) throw refused("This identity has expired.");
        List<String> allowed = owner.get().policy().resources();
        if (allowed != null && !allowed.contains(family.audience()))
            return end(c, family, now, "The session's resource is no longer allowed to this agent.");
        List<String> scope = new ArrayList<>(family.scope());
        scope.retainAll(owner.get().scopes());
        if (scope.isEmpty() && !family.scope().isEmpty()) return end(c, family, now, "None of the session's scopes is granted any more.");
        if (r.audience() != null && !r.audience().equals(family.audience()))
            throw new AuthError.InvalidTarget("The refresh token was issued for another resource.");
        if (r.requested() != null && !scope.containsAll(r.requested()))
            throw new AuthError.InvalidScope("The scope requested exceeds the scope of the session.");
        if (scope.size() < family.scope().size()) store.narrowScope(c, family.id(), scope);
        List<String> granted = r.requested() != null ? List.copyOf(r.requested()) : scope;
        Account account = Account.of(owner.get());
        quota.take(c, account, now, r.address()); // over quota: 429, and the claim rolls back with it
        Instant lastUse = account.lastUsedAt();
        if (lastUse == null || lastUse.isBefore(now.minus(Sessions.LOGIN_RECORD_INTERVAL))) // not a write per refresh
            users.touchLastUsed(c, account.id(), now);
        Instant sessionEnd = account.policy().cap(family.expiresAt());
        // families.refreshed_at and refresh_count are no longer written (nothing read them; the
        // family's tokens say the same): the previous release still writes them, so they stay.
        Duration window = retryWindow; // one value for the whole rotation, whatever a settings change does meanwhile
        if (window.isZero()) {
            // Signing is most of the work done under the write lock (bench/, JFR profile of the
            // refresh scenario): with no retry copy to seal, it happens after the commit instead.
            return Outcome.after(() -> Sessions.answer(issue(account, granted, family, r.jkt()), next, sessionEnd, granted, now,
                r.jkt() != null));
        }
        TokenIssuer.AccessToken access = issue(account, granted, family, r.jkt());
        byte[] copy = RetryCopy.seal(r.token(), family.id(), new RetryCopy.Answer(access.value(), access.expiresAt(), next, granted));
        store.keepRetryCopy(c, hash, copy, now.plus(window));
        // The presented token was its parent's successor: now used, the parent's copy can
        // never be served again, so it goes; expired copies go with every rotation too.
        store.dropRetryCopyOfParent(c, hash);
        store.dropExpiredRetryCopies(c, now);
        return Outcome.ok(Sessions.answer(access, next, sessionEnd, granted, now, r.jkt() != null));
    }

    /**
     * A token claimed before: within the retry window, while its successor is unused, the same
     * answer (a client whose answer was lost); otherwise reuse, which ends the family.
     */
    private Outcome retryOrReuse(Connection c, Request r, Family family, Optional<User> owner, Instant now)
            throws SQLException {
        Token used = store.findToken(c, OpaqueTokens.hash(r.token())).orElseThrow(); // as claimed, not as first read
        if (used.successor() != null && used.successorUntil() != null && now.isBefore(used.successorUntil())) {
            RetryCopy.Answer a = RetryCopy.open(r.token(), family.id(), used.successor());
            if (a != null && !store.isUsed(c, OpaqueTokens.hash(a.refreshToken())) && owner.isPresent() && owner.get().enabled()) {
                db.afterCommit(events::retryWindowHit);
                return Outcome.ok(new TokenResponse(a.accessToken(),
                    new TokenIssuer.AccessToken(a.accessToken(), null, a.accessExpiresAt()).expiresIn(now),
                    a.refreshToken(), Sessions.seconds(now, owner.get().policy().cap(family.expiresAt())), a.scope(), r.jkt() != null));
            }
        }
        store.revokeFamily(c, family.id(), now);
        if (owner.isPresent()) listKilled(c, owner.get(), family, now);
        audit.record(c, now, "refresh_reuse", owner.map(User::username).orElse(null), null, r.address(),
            "a used refresh token was presented again; session " + family.id() + " ended");
        db.afterCommit(events::refreshReuseDetected);
        return Outcome.fail("The refresh token was already used; the session has been ended.");
    }

    /**
     * A session ended for cause: its access tokens die at offline verifiers too (contract B). A
     * user with many such sessions listed gets a generation bump instead, which covers them all.
     */
    private void listKilled(Connection c, User owner, Family family, Instant now) throws SQLException {
        if (revocations.family(c, family.id(), owner.uid(), now)) return;
        users.bumpGen(c, owner.id());
        revocations.subject(c, owner.uid(), owner.gen() + 1, now);
        revocations.dropFamiliesOf(c, owner.uid());
    }

    /**
     * A bound family refreshed without its key: refused, nothing claimed or ended (the agent keeps
     * its session; a thief gets nothing), audited at most once a minute per family.
     */
    private Outcome keyMismatch(Connection c, Request r, Family family, Optional<User> owner, Instant now) throws SQLException {
        if (store.noteDpopMismatch(c, family.id(), now))
            audit.record(c, now, "dpop_key_mismatch", owner.map(User::username).orElse(null), null, r.address(),
                (r.jkt() == null ? "no DPoP proof" : "a proof from another key") + " to refresh session " + family.id());
        db.afterCommit(() -> events.dpopRejected("key_mismatch"));
        return new Outcome(null, new AuthError.InvalidDpopProof(
            "This session is bound to a DPoP key: the proof must be signed by it."), null);
    }

    private Outcome end(Connection c, Family family, Instant now, String why) throws SQLException {
        store.revokeFamily(c, family.id(), now);
        return Outcome.fail(why);
    }

    private TokenIssuer.AccessToken issue(Account user, List<String> scope, Family family, String jkt) {
        return issuer.issue(user, scope, family.audience(), family.id(), family.expiresAt(), jkt);
    }

    private static AuthError refused(String why) {
        return new AuthError.InvalidGrant(why);
    }

    /** A verdict reached inside the transaction; it is told only after the transaction committed. */
    private record Outcome(TokenResponse response, AuthError failure, Supplier<TokenResponse> after) {
        static Outcome ok(TokenResponse r) { return new Outcome(r, null, null); }
        static Outcome fail(String why) { return new Outcome(null, new AuthError.InvalidGrant(why), null); }
        /** The answer is made after the commit, outside the write lock. */
        static Outcome after(Supplier<TokenResponse> answer) { return new Outcome(null, null, answer); }

        TokenResponse get() {
            if (failure != null) throw failure;
            return after != null ? after.get() : response;
        }
    }
}
