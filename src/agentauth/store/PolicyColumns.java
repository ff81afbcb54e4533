package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;

/** The users table's per-agent policy columns (schema step 12): read with a row, written as a whole. */
final class PolicyColumns {
    static final String NAMES = "access_ttl, refresh_ttl, resources, expires_at, owner, description, quota_per_hour, "
        + "quota_per_day, quota_enforce, last_used_at";

    private PolicyColumns() {}

    /** The policy whose first column is {@code from}. */
    static AgentPolicy read(ResultSet r, int from) throws SQLException {
        Long perHour = number(r, from + 6), perDay = number(r, from + 7), enforce = number(r, from + 8);
        AgentPolicy.Quota quota = perHour == null && perDay == null ? null
            : new AgentPolicy.Quota(intOrNull(perHour), intOrNull(perDay), enforce == null || enforce != 0);
        String resources = r.getString(from + 2);
        return new AgentPolicy(seconds(r, from), seconds(r, from + 1),
            resources == null ? null : UserStore.splitScopes(resources), UserStore.instant(r, from + 3),
            r.getString(from + 4), r.getString(from + 5), quota);
    }

    /** The last issuance, read with the policy (the column after it). */
    static Instant lastUsed(ResultSet r, int from) throws SQLException {
        return UserStore.instant(r, from + 9);
    }

    static void write(Connection c, long id, AgentPolicy p) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE users SET access_ttl = ?, refresh_ttl = ?, resources = ?, "
            + "expires_at = ?, owner = ?, description = ?, quota_per_hour = ?, quota_per_day = ?, quota_enforce = ? WHERE id = ?")) {
            setSeconds(s, 1, p.accessTtl());
            setSeconds(s, 2, p.refreshTtl());
            s.setString(3, p.resources() == null ? null : String.join(" ", p.resources()));
            UserStore.setInstant(s, 4, p.expiresAt());
            s.setString(5, p.owner());
            s.setString(6, p.description());
            AgentPolicy.Quota q = p.quota();
            setLong(s, 7, q == null || q.perHour() == null ? null : q.perHour().longValue());
            setLong(s, 8, q == null || q.perDay() == null ? null : q.perDay().longValue());
            setLong(s, 9, q == null ? null : q.enforce() ? 1L : 0L);
            s.setLong(10, id);
            s.executeUpdate();
        }
    }

    private static Duration seconds(ResultSet r, int column) throws SQLException {
        Long n = number(r, column);
        return n == null ? null : Duration.ofSeconds(n);
    }

    private static Long number(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : v;
    }

    private static Integer intOrNull(Long n) {
        return n == null ? null : Math.toIntExact(n);
    }

    private static void setSeconds(PreparedStatement s, int index, Duration d) throws SQLException {
        setLong(s, index, d == null ? null : d.getSeconds());
    }

    private static void setLong(PreparedStatement s, int index, Long v) throws SQLException {
        if (v == null) s.setNull(index, Types.BIGINT);
        else s.setLong(index, v);
    }
}
