package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * The access tokens issued to agents with a quota (contract C), counted per user and minute for
 * a day, so every instance on one database counts the same rolling hour and day (to the minute),
 * and a count costs at most a day's 1,440 rows however many tokens the agent takes.
 */
public final class IssuanceStore {
    public static final Duration HOUR = Duration.ofHours(1), DAY = Duration.ofDays(1);
    private static final long MINUTES_IN_HOUR = 60, MINUTES_IN_DAY = 1440;

    /**
     * Tokens in the rolling hour and day, and when the oldest minute of each leaves it (null when
     * none): then a token may be issued again.
     */
    public record Counts(int lastHour, int lastDay, Instant hourFrees, Instant dayFrees) {}

    public Counts counts(Connection c, long userId, Instant now) throws SQLException {
        long minute = minute(now), hourStart = minute - MINUTES_IN_HOUR;
        try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(tokens), 0), "
            + "COALESCE(SUM(CASE WHEN minute > ? THEN tokens ELSE 0 END), 0), MIN(CASE WHEN minute > ? THEN minute END), "
            + "MIN(minute) FROM token_issuances WHERE user_id = ? AND minute > ?")) {
            s.setLong(1, hourStart);
            s.setLong(2, hourStart);
            s.setLong(3, userId);
            s.setLong(4, minute - MINUTES_IN_DAY);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new Counts(r.getInt(2), r.getInt(1), frees(r, 3, MINUTES_IN_HOUR), frees(r, 4, MINUTES_IN_DAY));
            }
        }
    }

    /** Counts one token issued at {@code now}. */
    public void record(Connection c, long userId, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO token_issuances(user_id, minute, tokens) VALUES (?, ?, 1) "
            + "ON CONFLICT (user_id, minute) DO UPDATE SET tokens = token_issuances.tokens + 1")) {
            s.setLong(1, userId);
            s.setLong(2, minute(now));
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
        UserStore.setTime(c, userId, "quota_audited_at", now);
    }

    /** Deletes the minutes no window counts any more. */
    public int prune(Connection c, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM token_issuances WHERE minute <= ?")) {
            s.setLong(1, minute(now) - MINUTES_IN_DAY);
            return s.executeUpdate();
        }
    }

    private static long minute(Instant t) {
        return Math.floorDiv(t.toEpochMilli(), 60_000L);
    }

    /** The end of the window that began with the minute in {@code column}, or null. */
    private static Instant frees(ResultSet r, int column, long windowMinutes) throws SQLException {
        long oldest = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli((oldest + windowMinutes) * 60_000L);
    }
}
