package agentauth.token;

import agentauth.error.AuthError;
import agentauth.store.Database;
import agentauth.store.SigningKeyStore;
import agentauth.token.KeySet.Key;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * The life of the signing keys (contract F). With rotation on, a {@code next} key is published
 * {@code publishAhead} before it starts to sign, so that verifiers caching the JWKS (up to 300 s)
 * and every instance (reloading every few seconds) have it before any token it signs exists;
 * once it signs, the key before it retires: its private part is destroyed, and it stays
 * published while its tokens live. The scheduled work runs on one instance at a time. An admin
 * may rotate at once, and revoke a leaked key (a fresh key signs at once, never the pre-published
 * next one, which lives in the same database).
 */
public final class KeyRotation {
    /** Verifiers cache the JWKS up to this long (its Cache-Control max-age never exceeds it). */
    public static final Duration JWKS_MAX_AGE = Duration.ofSeconds(300);
    /** Instances read the keys again this often. */
    public static final Duration RELOAD = Duration.ofSeconds(2);
    /** The least publish-ahead: the JWKS cache, a reload of every instance (10 s budget) and a second of clock skew. */
    public static final Duration MIN_PUBLISH_AHEAD = JWKS_MAX_AGE.plusSeconds(10 + 1);

    /** What an admin's rotation made or found: the key and when it signs. */
    public record Rotated(String kid, Instant activatesAt) {}

    private final SigningKeys keys;
    private volatile Duration rotation;      // null: off (keys rotate only when an admin asks)
    private volatile Duration publishAhead;

    public KeyRotation(SigningKeys keys, Duration rotation, Duration publishAhead) {
        this.keys = keys;
        this.rotation = rotation;
        this.publishAhead = publishAhead;
    }

    /** A shared setting changed: the schedule from now on. */
    public void schedule(Duration rotation, Duration publishAhead) {
        this.rotation = rotation;
        this.publishAhead = publishAhead;
    }

    public SigningKeys keys() {
        return keys;
    }

    /** The JWKS document as it stands now, cacheable until its next change (a scheduled publication included). */
    public Jwks.Document jwks() {
        return keys.jwks(nextPublication());
    }

    /** Every key with its state and dates, for the admin API. */
    public java.util.List<SigningKeys.View> list() {
        return keys.list(retirementOfCurrent());
    }

    /** When the current key will stop signing: the next key's activation, or the scheduled one; null if none. */
    public Instant retirementOfCurrent() {
        Instant now = keys.clock().instant();
        KeySet set = keys.keySet();
        Key next = set.next(now), current = set.current(now);
        if (next != null) return next.activatesAt();
        return rotation == null || current == null ? null : current.activatesAt().plus(rotation);
    }

    /** When a next key will be published by the schedule (the JWKS changes then), or null. */
    public Instant nextPublication() {
        Instant now = keys.clock().instant();
        KeySet set = keys.keySet();
        Key current = set.current(now);
        if (rotation == null || current == null || set.next(now) != null) return null;
        Instant due = current.activatesAt().plus(rotation).minus(publishAhead);
        return due.isAfter(now) ? due : now;
    }

    /**
     * The scheduled work: publish the next key when due, retire keys that sign no more. One
     * instance at a time, deciding from the rows as they are under the lock (another instance
     * may have just published), not from what this one read last.
     */
    public void run() {
        Database db = keys.database();
        db.write(c -> {
            if (!db.tryLockAcrossInstances(c, "key-rotation")) return false;
            keys.reload(); // inside the transaction: the rows as the lock holder sees them
            return publishWhenDue(c) | retire(c);
        });
        keys.reload();
    }

    private boolean publishWhenDue(Connection c) throws SQLException {
        Instant now = keys.clock().instant();
        KeySet set = keys.keySet();
        Key current = set.current(now);
        if (rotation == null || current == null || set.next(now) != null) return false;
        Instant activation = current.activatesAt().plus(rotation);
        if (now.isBefore(activation.minus(publishAhead))) return false;
        if (activation.isBefore(now.plus(publishAhead))) activation = now.plus(publishAhead); // late: never less ahead
        insert(c, now, activation, "system", null);
        return true;
    }

    /** Keys that activated before the current one and still hold a private part: they sign no more. */
    private boolean retire(Connection c) throws SQLException {
        Instant now = keys.clock().instant();
        KeySet set = keys.keySet();
        Key current = set.current(now);
        boolean any = false;
        for (Key k : set.all()) {
            if (k == current || k.revokedAt() != null || k.retiredAt() != null || k.activatesAt().isAfter(now)) continue;
            if (!retireKey(c, k, now)) continue;
            if (current != null) keys.store().markSigning(c, current.kid());
            if (current != null) keys.audit().record(c, now, "key_rotated", null, "system", null, "signing key " + current.kid()
                + " signs from now on");
            any = true;
        }
        keys.store().deleteGone(c, now.minus(Duration.ofDays(1)));
        return any;
    }

    /** Destroys a key's private part; it stays published while its tokens live. False when retired already. */
    private boolean retireKey(Connection c, Key k, Instant now) throws SQLException {
        // With one server (SQLite) this process signed all the tokens since it loaded the key: the
        // exact bound, no headroom (never below what the database held before this process signed).
        Instant exact = keys.exactBound(k.kid());
        if (!keys.database().sharedByInstances() && exact != null)
            keys.store().setTokensUntil(c, k.kid(), exact);
        if (!keys.store().retire(c, k.kid(), now)) return false;
        keys.audit().record(c, now, "key_retired", null, "system", null, "signing key " + k.kid() + " signs no more; "
            + "published while its tokens live");
        return true;
    }

    /** An admin's rotation: the next key (made now if there is none), or with {@code immediate} a key that signs at once. */
    public Rotated rotate(boolean immediate, String actor, String address) {
        Instant now = keys.clock().instant();
        Instant activation = immediate ? now : now.plus(publishAhead);
        Database db = keys.database();
        Rotated made = db.write(c -> {
            db.lockAcrossInstances(c, "key-rotation"); // two admins on two instances: one next key
            keys.reload();
            Key next = keys.keySet().next(now);
            if (!immediate && next != null) return new Rotated(next.kid(), next.activatesAt());
            return insert(c, now, activation, actor, address);
        });
        keys.reload();
        return made;
    }

    private Rotated insert(Connection c, Instant now, Instant activation, String actor, String address) throws SQLException {
        Key current = keys.keySet().current(now);
        KeyMaker.Made made = KeyMaker.make(keys.masterKey());
        keys.store().insert(c, made.row(now, activation));
        boolean atOnce = !activation.isAfter(now);
        if (atOnce) {
            keys.store().markSigning(c, made.kid());
            // The key that signed retires in the same step: no instance signs with it once this commits.
            if (current != null) retireKey(c, current, now);
        }
        keys.audit().record(c, now, atOnce ? "key_rotated" : "key_published", null, actor, address, atOnce
            ? "signing key " + made.kid() + " signs from now on"
            : "signing key " + made.kid() + " published; it signs from " + activation);
        return new Rotated(made.kid(), activation);
    }

    /**
     * Drops a key from the JWKS at once and lists it as revoked (a leak). Revoking the key that
     * signs makes a freshly generated key current first, in the same transaction.
     */
    public void revoke(String kid, String actor, String address) {
        Instant now = keys.clock().instant();
        KeySet set = keys.keySet();
        Key k = set.get(kid);
        if (k == null) throw new AuthError.NotFound("There is no signing key '" + kid + "'.");
        boolean signing = k == set.current(now);
        Database db = keys.database();
        boolean several = db.sharedByInstances();
        boolean changed = db.write(c -> {
            if (signing) insert(c, now, now, actor, address);
            if (!keys.store().revoke(c, kid, now)) return false;
            if (!several) list(c, k, now);
            keys.audit().record(c, now, "key_revoked", null, actor, address, "signing key " + kid + " revoked");
            return true;
        });
        if (changed || signing) keys.reload();
        if (!several) return;
        // Every instance reads its signing key at least once per SIGNER_FRESHNESS: after the settle
        // time none signs with the revoked one, and the list may name it. A revoke that failed in
        // between lists it when repeated (the key is revoked already: only the listing is left).
        try {
            Thread.sleep(SigningKeys.REVOKE_SETTLE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthError.TemporarilyUnavailable("The key was revoked but not yet listed; revoke it again.", 1, null);
        }
        keys.reload(); // the key's bound as it is now: another instance may have signed with it meanwhile
        Key settled = keys.keySet().get(kid);
        db.write(c -> {
            list(c, settled != null ? settled : k, keys.clock().instant());
            return null;
        });
    }

    private void list(Connection c, Key k, Instant now) throws SQLException {
        Instant until = k.tokensUntil().isAfter(now) ? k.tokensUntil() : now;
        keys.revocations().kid(c, k.kid(), until);
    }

    /** Refuses a schedule verifiers could not follow: publish-ahead must cover their cache and our reload. */
    public static String problem(Duration rotation, Duration publishAhead) {
        if (publishAhead.compareTo(MIN_PUBLISH_AHEAD) <= 0)
            return "--key-publish-ahead must be more than " + MIN_PUBLISH_AHEAD.toSeconds() + "s (the JWKS max-age "
                + JWKS_MAX_AGE.toSeconds() + "s, 10s for every instance to reload, 1s of clock skew)";
        if (rotation != null && publishAhead.compareTo(rotation) >= 0)
            return "--key-publish-ahead must be shorter than --key-rotation";
        return null;
    }
}
