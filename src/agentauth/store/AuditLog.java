package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Security events, newest first when read. Ordinary refreshes are counted per family, not logged. */
public final class AuditLog {
    public static final Set<String> TYPES = Set.of("login", "login_failed", "throttled", "refresh_reuse", "logout",
        "revoke", "user_created", "user_updated", "user_deleted", "key_rotated", "key_revoked", "family_evicted",
        "startup", "user_killed", "user_inactive_disabled", "quota_exceeded", "dpop_key_mismatch", "key_published",
        "key_retired", "settings_changed");

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AuditLog.class);
    /** Routine events stay out of the log (they are in the audit table); the rest get one line each. */
    private static final Set<String> QUIET = Set.of("login", "logout");

    public record Event(long id, Instant time, String type, String user, String actor, String address, String detail,
                        String instance) {}

    /** One page of events and the cursor for the next (null at the end). */
    public record Page(List<Event> events, Long next) {}

    private final Database db;
    private final String instance;

    /** @param instance this instance's id, written with every event it records */
    public AuditLog(Database db, String instance) {
        this.db = db;
        this.instance = instance;
    }

    /** Records an event in its own transaction. */
    public void record(Instant time, String type, String user, String actor, String address, String detail) {
        db.write(c -> {
            record(c, time, type, user, actor, address, detail);
            return null;
        });
    }

    /**
     * Records an event inside the caller's transaction, so it commits (or not) with the change.
     * {@code user} may be a name a client typed (a failed login, a throttled one): it is stored
     * and logged in its {@link #untrustedName} form.
     */
    public void record(Connection c, Instant time, String type, String user, String actor, String address,
                       String detail) throws SQLException {
        if (!TYPES.contains(type)) throw new IllegalArgumentException("unknown audit event type " + type);
        user = untrustedName(user);
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO audit_events(time, type, username, actor, address, detail, instance) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setLong(1, time.toEpochMilli());
            s.setString(2, type);
            s.setString(3, user);
            s.setString(4, actor);
            s.setString(5, address);
            s.setString(6, detail);
            s.setString(7, instance);
            s.executeUpdate();
        }
        if (!QUIET.contains(type)) { // the log says what happened: only once it committed
            String name = user;
            db.afterCommit(() -> log.atInfo().addKeyValue("event", type).addKeyValue("sub", name) // JSON fields
                .log("{} user={} actor={} address={}{}", type, orDash(name), orDash(actor), orDash(address),
                detail == null ? "" : " (" + detail + ")"));
        }
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    /**
     * A name as a client may have typed it, fit for the audit table and one log line: at most the
     * 64 characters a valid name can have (then "..."), anything outside printable ASCII as "?"
     * (no forged lines, no reordering or hidden characters, no 16 KiB entries kept for 90 days).
     * A valid name comes out unchanged, and so does a name that went through here already.
     */
    public static String untrustedName(String name) {
        if (name == null) return null;
        String s = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        return s.replaceAll("[^\\x20-\\x7E]", "?");
    }

    /** Newest first; {@code before} is the cursor of the previous page (an event id), or null. */
    public Page list(int limit, Long before, String user, String type) {
        return db.read(c -> {
            StringBuilder sql = new StringBuilder(
                "SELECT id, time, type, username, actor, address, detail, instance FROM audit_events WHERE 1 = 1");
            List<Object> args = new ArrayList<>();
            if (before != null) { sql.append(" AND id < ?"); args.add(before); }
            if (user != null) { sql.append(" AND lower(username) = lower(?)"); args.add(user); }
            if (type != null) { sql.append(" AND type = ?"); args.add(type); }
            sql.append(" ORDER BY id DESC LIMIT ?");
            args.add(limit + 1);
            List<Event> events = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) events.add(new Event(r.getLong(1), Instant.ofEpochMilli(r.getLong(2)),
                        r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getString(7), r.getString(8)));
                }
            }
            Long next = null;
            if (events.size() > limit) {
                events.remove(events.size() - 1);
                next = events.get(events.size() - 1).id();
            }
            return new Page(events, next);
        });
    }

    /** Deletes events older than {@code cutoff}; returns how many. */
    public int prune(Instant cutoff) {
        return db.write(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM audit_events WHERE time < ?")) {
                s.setLong(1, cutoff.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }
}
