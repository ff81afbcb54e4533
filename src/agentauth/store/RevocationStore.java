package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The revocation list's entries and its version. Each entry lives until the last access token
 * it could kill has expired, plus a minute: the largest expiry any published key has actually
 * signed when the entry is written (not a setting that may have changed since). Every change
 * bumps the version in the same transaction, so the list and its version never disagree.
 */
public final class RevocationStore {
    /** A minute past the last expiry, for verifiers' clock skew. */
    public static final Duration MARGIN = Duration.ofMinutes(1);
    /** More sessions than this of one user listed at once fold into a generation bump of the user. */
    public static final int FAMILIES_PER_USER = 10;

    /** The list as it is now. */
    public record Snapshot(long version, Map<String, Long> subjects, List<String> families, List<String> kids) {}

    private final Database db;

    public RevocationStore(Database db) {
        this.db = db;
    }

    /** Every token of {@code uid} below generation {@code gen} is dead. */
    public void subject(Connection c, String uid, long gen, Instant now) throws SQLException {
        upsert(c, "subject", uid, gen, null, lastExpiry(c, now));
    }

    /**
     * Every token of session {@code sid} is dead. Returns false when the user has more listed
     * sessions than {@link #FAMILIES_PER_USER}: the caller bumps the user's generation instead
     * (and {@link #dropFamiliesOf} clears them).
     */
    public boolean family(Connection c, String sid, String ownerUid, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM revocations WHERE kind = 'family' AND owner = ?")) {
            s.setString(1, ownerUid);
            try (ResultSet r = s.executeQuery()) {
                if (r.next() && r.getInt(1) >= FAMILIES_PER_USER) return false;
            }
        }
        upsert(c, "family", sid, null, ownerUid, lastExpiry(c, now));
        return true;
    }

    /** The user's listed sessions, once a generation bump covers them. */
    public void dropFamiliesOf(Connection c, String ownerUid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM revocations WHERE kind = 'family' AND owner = ?")) {
            s.setString(1, ownerUid);
            s.executeUpdate();
        }
        bump(c);
    }

    /** Every token signed by {@code kid} is dead; listed until its last token expired. */
    public void kid(Connection c, String kid, Instant tokensUntil) throws SQLException {
        upsert(c, "kid", kid, null, null, tokensUntil.plus(MARGIN));
    }

    /** Deletes entries no live token can match any more; returns how many. */
    public int prune(Connection c, Instant now) throws SQLException {
        int n;
        try (PreparedStatement s = c.prepareStatement("DELETE FROM revocations WHERE expires_at <= ?")) {
            s.setLong(1, now.toEpochMilli());
            n = s.executeUpdate();
        }
        if (n > 0) bump(c);
        return n;
    }

    public static long version(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT value FROM counters WHERE name = 'revocations'");
             ResultSet r = s.executeQuery()) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    /**
     * The live entries and their version. Read as version, entries, version again, until both
     * versions agree: a list is never served under a version that does not include all of it.
     */
    public Snapshot snapshot(Instant now) {
        return db.read(c -> {
            Snapshot s = read(c, now);
            for (int i = 0; i < 3 && version(c) != s.version(); i++) s = read(c, now);
            return s;
        });
    }

    private static Snapshot read(Connection c, Instant now) throws SQLException {
        {
            long version = version(c);
            Map<String, Long> subjects = new LinkedHashMap<>();
            List<String> families = new ArrayList<>(), kids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                "SELECT kind, id, gen FROM revocations WHERE expires_at > ? ORDER BY kind, id")) {
                s.setLong(1, now.toEpochMilli());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        switch (r.getString(1)) {
                            case "subject" -> subjects.put(r.getString(2), r.getLong(3));
                            case "family" -> families.add(r.getString(2));
                            default -> kids.add(r.getString(2));
                        }
                    }
                }
            }
            return new Snapshot(version, subjects, families, kids);
        }
    }

    private void upsert(Connection c, String kind, String id, Long gen, String owner, Instant expiresAt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO revocations(kind, id, gen, owner, expires_at) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET gen = excluded.gen, "
            + "expires_at = CASE WHEN revocations.expires_at > excluded.expires_at THEN revocations.expires_at "
            + "ELSE excluded.expires_at END")) {
            s.setString(1, kind);
            s.setString(2, id);
            if (gen == null) s.setNull(3, java.sql.Types.BIGINT);
            else s.setLong(3, gen);
            s.setString(4, owner);
            s.setLong(5, expiresAt.toEpochMilli());
            s.executeUpdate();
        }
        bump(c);
    }

    /**
     * The version only grows; the row lock orders the changes of all instances. It is at least
     * the time in milliseconds, so it grows across a restore from a backup too: verifiers keep
     * the highest version they saw, and a version the backup took back would look old to them.
     */
    private static void bump(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE counters SET value = CASE WHEN value + 1 > ? THEN value + 1 "
            + "ELSE ? END WHERE name = 'revocations'")) {
            long now = System.currentTimeMillis();
            s.setLong(1, now);
            s.setLong(2, now);
            s.executeUpdate();
        }
    }

    /**
     * The largest expiry any published key has signed, plus the margin: no token issued before
     * now lives longer. (A key's bound carries headroom, so this may be a little later.)
     */
    private static Instant lastExpiry(Connection c, Instant now) throws SQLException {
        // Keys that signed (activated): a pre-published next key's bound is its activation, days ahead.
        try (PreparedStatement s = c.prepareStatement("SELECT MAX(tokens_until) FROM signing_keys WHERE revoked_at IS NULL "
            + "AND COALESCE(activates_at, created_at) <= ?")) {
            s.setLong(1, now.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                long max = r.next() ? r.getLong(1) : 0;
                return Instant.ofEpochMilli(Math.max(max, now.toEpochMilli())).plus(MARGIN);
            }
        }
    }
}
