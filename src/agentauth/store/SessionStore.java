package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Families and their refresh tokens (stored as SHA-256 hashes only). */
public final class SessionStore {
    /** A refresh token row with its family. */
    public record Token(byte[] hash, Family family, Instant usedAt, byte[] successor, Instant successorUntil) {}

    private static final String FAMILY_COLUMNS = "f.id, f.user_id, f.scope, f.audience, f.created_at, f.expires_at, f.revoked_at, f.dpop_jkt";

    private final Database db;

    public SessionStore(Database db) {
        this.db = db;
    }

    public void insertFamily(Connection c, Family f) throws SQLException {
        // dpop_jkt only when bound: an unbound family's insert is the one the release before DPoP made
        try (PreparedStatement s = c.prepareStatement("INSERT INTO families(id, user_id, scope, audience, created_at, "
            + "expires_at" + (f.dpopJkt() != null ? ", dpop_jkt) VALUES (?, ?, ?, ?, ?, ?, ?)" : ") VALUES (?, ?, ?, ?, ?, ?)"))) {
            s.setString(1, f.id());
            s.setLong(2, f.userId());
            s.setString(3, String.join(" ", f.scope()));
            s.setString(4, f.audience());
            s.setLong(5, f.createdAt().toEpochMilli());
            s.setLong(6, f.expiresAt().toEpochMilli());
            if (f.dpopJkt() != null) s.setString(7, f.dpopJkt());
            s.executeUpdate();
        }
    }

    public void insertToken(Connection c, byte[] hash, String familyId, byte[] parentHash, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO refresh_tokens(hash, family_id, parent_hash, created_at) VALUES (?, ?, ?, ?)")) {
            s.setBytes(1, hash);
            s.setString(2, familyId);
            s.setBytes(3, parentHash);
            s.setLong(4, now.toEpochMilli());
            s.executeUpdate();
        }
    }

    public Optional<Token> findToken(Connection c, byte[] hash) throws SQLException {
        return findToken(c, hash, false);
    }

    /**
     * The token and its family, with the family's row locked until the transaction ends, so that
     * the rotations, revocations and reuse verdicts of one family happen one after the other.
     * The token's own columns may be older than the lock: {@link #claim} decides whether it was used.
     */
    public Optional<Token> lockFamilyOf(Connection c, byte[] hash) throws SQLException {
        return findToken(c, hash, true);
    }

    /** A token with its family locked ({@link #lockFamilyOf}), and the family's user (empty: deleted). */
    public record Locked(Token token, Optional<User> owner) {}

    /**
     * {@link #lockFamilyOf} and the family's user in one statement: a rotation's first round trip
     * reads all it decides on. The user is read as the statement began; a change that commits
     * while the lock is awaited and matters to the rotation (a new secret, a disable) ends the
     * family in the same transaction, which the locked row then shows.
     */
    public Optional<Locked> lockFamilyAndOwnerOf(Connection c, byte[] hash) throws SQLException {
        return readToken(c, hash, true, true);
    }

    private Optional<Token> findToken(Connection c, byte[] hash, boolean lock) throws SQLException {
        return readToken(c, hash, lock, false).map(Locked::token);
    }

    /** A token and its family, the family's row locked or not, and with {@code withOwner} its user too. */
    private Optional<Locked> readToken(Connection c, byte[] hash, boolean lock, boolean withOwner) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + FAMILY_COLUMNS + ", t.used_at, t.successor, t.successor_until"
            + (withOwner ? ", " + UserStore.columns("u") : "") + " FROM refresh_tokens t JOIN families f ON f.id = t.family_id"
            + (withOwner ? " LEFT JOIN users u ON u.id = f.user_id" : "") + " WHERE t.hash = ?"
            + (lock ? db.dialect().forUpdateOf("f") : ""))) {
            s.setBytes(1, hash);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return Optional.empty();
                Token t = new Token(hash, family(r), UserStore.instant(r, 9), r.getBytes(10), UserStore.instant(r, 11));
                return Optional.of(new Locked(t, withOwner ? Optional.ofNullable(UserStore.row(r, 12)) : Optional.empty()));
            }
        }
    }

    /**
     * Marks a token used if nobody did before: true for the one caller that claimed it. A
     * conditional UPDATE, never read-then-write, so it holds whatever the isolation level.
     */
    public boolean claim(Connection c, byte[] hash, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE refresh_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL")) {
            s.setLong(1, now.toEpochMilli());
            s.setBytes(2, hash);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * {@link #claim}, and for the one caller that claimed the token, its successor: on PostgreSQL
     * in the same statement (a round trip fewer per rotation). A rotation refused after this
     * rolls both back; a successor whose family ends in the same transaction can never be used.
     */
    public boolean claimWithSuccessor(Connection c, byte[] hash, byte[] successor, String familyId, Instant now)
            throws SQLException {
        if (db.dialect() != Dialect.POSTGRES) {
            if (!claim(c, hash, now)) return false;
            insertToken(c, successor, familyId, hash, now);
            return true;
        }
        try (PreparedStatement s = c.prepareStatement("WITH claimed AS (UPDATE refresh_tokens SET used_at = ? "
            + "WHERE hash = ? AND used_at IS NULL RETURNING hash) INSERT INTO refresh_tokens(hash, family_id, parent_hash, "
            + "created_at) SELECT ?, ?, hash, ? FROM claimed")) {
            s.setLong(1, now.toEpochMilli());
            s.setBytes(2, hash);
            s.setBytes(3, successor);
            s.setString(4, familyId);
            s.setLong(5, now.toEpochMilli());
            return s.executeUpdate() == 1;
        }
    }

    /** Keeps the sealed answer of a claimed token for the retry window. */
    public void keepRetryCopy(Connection c, byte[] hash, byte[] successor, Instant until) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE refresh_tokens SET successor = ?, successor_until = ? WHERE hash = ?")) {
            s.setBytes(1, successor);
            s.setLong(2, until.toEpochMilli());
            s.setBytes(3, hash);
            s.executeUpdate();
        }
    }

    /** True when {@code hash} was itself used (so the successor of its parent is spent). */
    public boolean isUsed(Connection c, byte[] hash) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT used_at FROM refresh_tokens WHERE hash = ?")) {
            s.setBytes(1, hash);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getObject(1) != null;
            }
        }
    }

    /** Deletes the retry copy held by the parent of {@code hash}: its successor is used now. */
    public void dropRetryCopyOfParent(Connection c, byte[] hash) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE refresh_tokens SET successor = NULL, successor_until = NULL "
            + "WHERE hash = (SELECT parent_hash FROM refresh_tokens WHERE hash = ?) AND successor IS NOT NULL")) {
            s.setBytes(1, hash);
            s.executeUpdate();
        }
    }

    /** Deletes retry copies whose window ended (an index lookup: see migration 2). */
    public int dropExpiredRetryCopies(Connection c, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE refresh_tokens SET successor = NULL, successor_until = NULL "
            + "WHERE successor IS NOT NULL AND successor_until <= ?")) {
            s.setLong(1, now.toEpochMilli());
            return s.executeUpdate();
        }
    }

    /** Narrows a family's granted scope for good: a scope granted again later does not come back. */
    public void narrowScope(Connection c, String familyId, List<String> scope) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE families SET scope = ? WHERE id = ?")) {
            s.setString(1, String.join(" ", scope));
            s.setString(2, familyId);
            s.executeUpdate();
        }
    }

    /** A token's user (by uid), and whether its session is live and that user's (false when the token names none). */
    public record Standing(Optional<User> user, boolean sessionLive) {}

    /**
     * What a presented access token's live check reads, in one statement: its user by
     * {@code uid}, and its session {@code sid} (null: a token of no session).
     */
    public Standing standing(String uid, String sid) {
        return db.read(c -> {
            // The join finds the session only when it is the user's and not ended.
            try (PreparedStatement s = c.prepareStatement("SELECT " + UserStore.columns("u") + ", f.id FROM users u "
                + "LEFT JOIN families f ON f.id = ? AND f.user_id = u.id AND f.revoked_at IS NULL WHERE u.uid = ?")) {
                s.setString(1, sid);
                s.setString(2, uid);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) return new Standing(Optional.empty(), false);
                    return new Standing(Optional.of(UserStore.row(r, 1)), r.getString(UserStore.COLUMN_COUNT + 1) != null);
                }
            }
        });
    }

    public Optional<Family> family(String id) {
        return db.read(c -> family(c, id));
    }

    public Optional<Family> family(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + FAMILY_COLUMNS + " FROM families f WHERE f.id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(family(r)) : Optional.empty();
            }
        }
    }

    /** Ends one family; true when it was live. One statement, so a family is revoked whole or not at all. */
    public boolean revokeFamily(Connection c, String familyId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            s.setLong(1, now.toEpochMilli());
            s.setString(2, familyId);
            return s.executeUpdate() > 0;
        }
    }

    /** Ends every live family of a user not bound to a DPoP key (the agent must use DPoP from now on); returns how many. */
    public int revokeUnboundForUser(Connection c, long userId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE families SET revoked_at = ? WHERE user_id = ? "
            + "AND revoked_at IS NULL AND expires_at > ? AND dpop_jkt IS NULL")) {
            s.setLong(1, now.toEpochMilli());
            s.setLong(2, userId);
            s.setLong(3, now.toEpochMilli());
            return s.executeUpdate();
        }
    }

    /**
     * Notes a refresh of a bound family with another key (or none); true at most once a minute
     * per family, when it is to be audited (contract H), whichever instance saw it.
     */
    public boolean noteDpopMismatch(Connection c, String familyId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE families SET dpop_mismatch_at = ? WHERE id = ? "
            + "AND (dpop_mismatch_at IS NULL OR dpop_mismatch_at <= ?)")) {
            s.setLong(1, now.toEpochMilli());
            s.setString(2, familyId);
            s.setLong(3, now.minusSeconds(60).toEpochMilli());
            return s.executeUpdate() > 0;
        }
    }

    /** Ends every live family of a user; returns how many. */
    public int revokeAllForUser(Connection c, long userId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE families SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?")) {
            s.setLong(1, now.toEpochMilli());
            s.setLong(2, userId);
            s.setLong(3, now.toEpochMilli());
            return s.executeUpdate();
        }
    }

    /**
     * The user's live families beyond the newest {@code keep}, oldest first: the ones to end so
     * that {@code keep} remain (0: all of them). Only those come back: a login checks this with
     * up to 100 live.
     */
    public List<String> liveFamiliesBeyond(Connection c, long userId, Instant now, int keep) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM families WHERE user_id = ? AND revoked_at IS NULL "
            + "AND expires_at > ? ORDER BY created_at DESC, " + db.dialect().insertionOrder() + " DESC LIMIT "
            + Integer.MAX_VALUE + " OFFSET ?")) {
            s.setLong(1, userId);
            s.setLong(2, now.toEpochMilli());
            s.setInt(3, keep);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) ids.add(r.getString(1));
            }
        }
        Collections.reverse(ids);
        return ids;
    }

    /**
     * Deletes what can never be used again: families expired or revoked before {@code cutoff}
     * (their tokens go with them) and retry-window copies whose window has passed.
     */
    public int prune(Connection c, Instant now, Instant cutoff) throws SQLException {
        int n;
        try (PreparedStatement s = c.prepareStatement(
            "DELETE FROM families WHERE expires_at < ? OR revoked_at < ?")) {
            s.setLong(1, cutoff.toEpochMilli());
            s.setLong(2, cutoff.toEpochMilli());
            n = s.executeUpdate();
        }
        dropExpiredRetryCopies(c, now);
        return n;
    }

    private static Family family(ResultSet r) throws SQLException {
        return new Family(r.getString(1), r.getLong(2), UserStore.splitScopes(r.getString(3)), r.getString(4),
            UserStore.instant(r, 5), UserStore.instant(r, 6), UserStore.instant(r, 7), r.getString(8));
    }
}
