package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * The access tokens issued to agents with a quota (contract C), one row each for a day, so every
 * instance on one database counts the same rolling hour and day.
 */
public final class IssuanceStore {
    public static final Duration HOUR = Duration.ofHours(1), DAY = Duration.ofDays(1);

    /** Issuances in the last hour and day, and the oldest of each (null when none). */
    public record Counts(int lastHour, int lastDay, Instant oldestInHour, Instant oldestInDay) {}

    public Counts counts(Connection c, long userId, Instant now) throws SQLException {
        long hourAgo = now.minus(HOUR).toEpochMilli();
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(CASE WHEN at > ? THEN 1 ELSE 0 END), 0), "
            + "MIN(CASE WHEN at > ? THEN at END), MIN(at) FROM token_issuances WHERE user_id = ? AND at > ?")) {
            s.setLong(1, hourAgo);
            s.setLong(2, hourAgo);
            s.setLong(3, userId);
            s.setLong(4, now.minus(DAY).toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new Counts(r.getInt(2), r.getInt(1), UserStore.instant(r, 3), UserStore.instant(r, 4));
            }
        }
    }

    public void record(Connection c, long userId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO token_issuances(user_id, at) VALUES (?, ?)")) {
            s.setLong(1, userId);
            s.setLong(2, now.toEpochMilli());
            s.executeUpdate();
        }
    }

    /** When the user's last quota_exceeded event was written, or null. */
    public Instant auditedAt(Connection c, long userId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT quota_audited_at FROM users WHERE id = ?")) {
            s.setLong(1, userId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? UserStore.instant(r, 1) : null;
            }
        }
    }

    public void markAudited(Connection c, long userId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE users SET quota_audited_at = ? WHERE id = ?")) {
            s.setLong(1, now.toEpochMilli());
            s.setLong(2, userId);
            s.executeUpdate();
        }
    }

    /** Deletes issuances no window counts any more. */
    public int prune(Connection c, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM token_issuances WHERE at <= ?")) {
            s.setLong(1, now.minus(DAY).toEpochMilli());
            return s.executeUpdate();
        }
    }
}
