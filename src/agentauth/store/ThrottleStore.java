package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The name-keyed throttle counters and successes, shared by every instance on the database
 * (contract A). Keys are keyed hashes of names: the tables hold no names. A failure is one
 * statement that decides in SQL whether the counter's window is still open, so failures on
 * several instances at once all count.
 */
public final class ThrottleStore {
    /** A counter: who it belongs to (a name's keyed hash), its failures and its backoff. */
    public record Counter(long owner, int failures, long lastFailure, int strikes, long blockedUntil, boolean audited) {}

    private final Database db;

    public ThrottleStore(Database db) {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    public Optional<Counter> get(Connection c, byte[] key, boolean lock) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT owner, failures, last_failure, strikes, blocked_until, audited "
            + "FROM throttle_counters WHERE key = ?" + (lock ? db.dialect().forUpdateOf("throttle_counters") : ""))) {
            s.setBytes(1, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new Counter(r.getLong(1), r.getInt(2), r.getLong(3), r.getInt(4), r.getLong(5),
                    r.getInt(6) == 1)) : Optional.empty();
            }
        }
    }

    /**
     * One failure: a new counter, or one more in a live one; a counter whose window passed (and
     * no delay pending) starts over. Decided on the row as it is when the statement runs.
     */
    public void fail(Connection c, byte[] key, long owner, long now, long windowMs) throws SQLException {
        String live = "(throttle_counters.last_failure > ? OR throttle_counters.blocked_until > ?)";
        try (PreparedStatement s = c.prepareStatement("INSERT INTO throttle_counters(key, owner, failures, last_failure, strikes, "
            + "blocked_until, audited) VALUES (?, ?, 1, ?, 0, 0, 0) ON CONFLICT (key) DO UPDATE SET "
            + "failures = CASE WHEN " + live + " THEN throttle_counters.failures + 1 ELSE 1 END, "
            + "strikes = CASE WHEN " + live + " THEN throttle_counters.strikes ELSE 0 END, "
            + "blocked_until = CASE WHEN " + live + " THEN throttle_counters.blocked_until ELSE 0 END, "
            + "audited = CASE WHEN " + live + " THEN throttle_counters.audited ELSE 0 END, "
            + "last_failure = excluded.last_failure, owner = excluded.owner")) {
            s.setBytes(1, key);
            s.setLong(2, owner);
            s.setLong(3, now);
            for (int i = 0; i < 4; i++) {
                s.setLong(4 + 2 * i, now - windowMs);
                s.setLong(5 + 2 * i, now);
            }
            s.executeUpdate();
        }
    }

    public void put(Connection c, byte[] key, Counter k) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE throttle_counters SET strikes = ?, blocked_until = ?, audited = ? "
            + "WHERE key = ?")) {
            s.setInt(1, k.strikes());
            s.setLong(2, k.blockedUntil());
            s.setInt(3, k.audited() ? 1 : 0);
            s.setBytes(4, key);
            s.executeUpdate();
        }
    }

    public void delete(Connection c, byte[] key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM throttle_counters WHERE key = ?")) {
            s.setBytes(1, key);
            s.executeUpdate();
        }
    }

    /** Every counter of one name, at every address. */
    public void deleteOwner(Connection c, long owner) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM throttle_counters WHERE owner = ?")) {
            s.setLong(1, owner);
            s.executeUpdate();
        }
    }

    /** When this (name, address) key last succeeded, in epoch ms, or 0. */
    public long successAt(byte[] key) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT at FROM throttle_successes WHERE key = ?")) {
                s.setBytes(1, key);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getLong(1) : 0L;
                }
            }
        });
    }

    public void recordSuccess(Connection c, byte[] key, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO throttle_successes(key, at) VALUES (?, ?) "
            + "ON CONFLICT (key) DO UPDATE SET at = excluded.at")) {
            s.setBytes(1, key);
            s.setLong(2, now);
            s.executeUpdate();
        }
    }

    /** Deletes counters idle past {@code keepMs} with no delay pending, and successes older than {@code successMs}. */
    public int prune(Connection c, long now, long keepMs, long successMs) throws SQLException {
        int n;
        try (PreparedStatement s = c.prepareStatement("DELETE FROM throttle_counters WHERE last_failure < ? AND blocked_until < ?")) {
            s.setLong(1, now - keepMs);
            s.setLong(2, now);
            n = s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM throttle_successes WHERE at < ?")) {
            s.setLong(1, now - successMs);
            n += s.executeUpdate();
        }
        return n;
    }
}
