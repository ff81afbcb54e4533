package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies one database into another, empty one of the same schema version (moving up from SQLite
 * to PostgreSQL): users with their hashes, uids and generations, the sealed signing keys and the
 * master key check, the live sessions with their refresh tokens, and the audit log, ids kept.
 * One transaction on the target, then the counts are compared: all or nothing.
 */
public final class DatabaseCopy {
    /** A table, the rows of it worth moving, and whether its ids come from an identity. */
    private record Table(String name, String where, boolean identity) {}

    private static final List<Table> TABLES = List.of(
        new Table("users", "1 = 1", true),
        new Table("signing_keys", "1 = 1", false),
        new Table("settings", "1 = 1", false),
        new Table("families", "revoked_at IS NULL AND expires_at > ?", false),
        new Table("refresh_tokens", "family_id IN (SELECT id FROM families WHERE revoked_at IS NULL AND expires_at > ?)", false),
        new Table("audit_events", "1 = 1", true));

    private DatabaseCopy() {}

    /** Copies {@code from} into {@code to}; returns the rows copied per table. */
    public static Map<String, Integer> copy(Database from, Database to, Instant now) {
        if (Migrations.version(from) != Migrations.version(to))
            throw new IllegalStateException("the two databases are at different schema versions");
        Map<String, Integer> copied = to.write(c -> {
            if (count(c, "SELECT COUNT(*) FROM users", null) > 0)
                throw new IllegalStateException(to.describe() + " is not empty: copy only into a new database");
            Map<String, Integer> n = new LinkedHashMap<>();
            for (Table t : TABLES) n.put(t.name(), copyTable(from, c, t, now));
            if (to.dialect() == Dialect.POSTGRES)
                for (Table t : TABLES) if (t.identity()) restartIdentity(c, t.name());
            return n;
        });
        for (Table t : TABLES) { // read back: every row arrived
            String sql = "SELECT COUNT(*) FROM " + t.name() + " WHERE " + t.where();
            int source = from.read(c -> count(c, sql, now)), target = to.read(c -> count(c, sql, now));
            if (source != target || target != copied.get(t.name()))
                throw new IllegalStateException(t.name() + ": " + source + " rows in the source, " + target + " in the copy");
        }
        return copied;
    }

    private static int copyTable(Database from, Connection target, Table t, Instant now) throws SQLException {
        List<String> columns = targetColumns(target, t.name());
        String select = "SELECT " + String.join(", ", columns) + " FROM " + t.name() + " WHERE " + t.where();
        String insert = "INSERT INTO " + t.name() + "(" + String.join(", ", columns) + ") VALUES ("
            + String.join(", ", columns.stream().map(x -> "?").toList()) + ")";
        List<Object[]> rows = from.read(c -> {
            List<Object[]> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(select)) {
                if (t.where().contains("?")) s.setLong(1, now.toEpochMilli());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Object[] row = new Object[columns.size()];
                        for (int i = 0; i < row.length; i++) row[i] = r.getObject(i + 1);
                        out.add(row);
                    }
                }
            }
            return out;
        });
        try (PreparedStatement s = target.prepareStatement(insert)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) s.setObject(i + 1, row[i] instanceof Integer n ? Long.valueOf(n) : row[i]);
                s.addBatch();
            }
            s.executeBatch();
        }
        return rows.size();
    }

    /** The target's columns of {@code table}, without those the database fills in itself (seq). */
    private static List<String> targetColumns(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData m = r.getMetaData();
            for (int i = 1; i <= m.getColumnCount(); i++)
                if (!m.getColumnName(i).equalsIgnoreCase("seq")) columns.add(m.getColumnName(i).toLowerCase(java.util.Locale.ROOT));
        }
        return columns;
    }

    /** After inserting ids by hand, new rows must number on from the largest. */
    private static void restartIdentity(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), GREATEST((SELECT MAX(id) FROM " + table
                + "), 1))");
        }
    }

    private static int count(Connection c, String sql, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (now != null && sql.contains("?")) s.setLong(1, now.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getInt(1) : 0;
            }
        }
    }
}
