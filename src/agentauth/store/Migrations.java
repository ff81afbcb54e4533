package agentauth.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Applies the {@link Schema}'s steps forward only, each once in its own transaction, recorded in
 * schema_migrations. A database newer than this code is refused, not guessed at.
 */
public final class Migrations {
    private Migrations() {}

    public static int latest() {
        return Schema.STEPS.size();
    }

    /**
     * Brings the schema up to date. The version is read first without a write, so a database that
     * is already current opens even from a read-only file; each step then runs in its own write
     * transaction that re-reads the version, so two processes opening one new database at once
     * (two instances, or the server and the users command) apply each step exactly once, and a
     * failing step leaves nothing half-applied.
     */
    public static void apply(Database db) {
        int current = db.read(Migrations::version);
        while (true) {
            refuseNewer(db, current);
            if (current == latest()) return;
            current = db.write(c -> {
                db.lockAcrossInstances(c, "migrations"); // instances starting together: one migrates, the others wait
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
                }
                int v = version(c);
                if (v >= latest()) return v;
                int next = v + 1;
                try (Statement s = c.createStatement()) {
                    for (String stmt : Schema.STEPS.get(next - 1).sql(db.dialect()).split(";\\s*\n"))
                        if (!stmt.isBlank()) s.execute(stmt);
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)")) {
                    s.setInt(1, next);
                    s.setLong(2, System.currentTimeMillis());
                    s.executeUpdate();
                }
                return next;
            });
        }
    }

    private static void refuseNewer(Database db, int version) {
        if (version > latest())
            throw new IllegalStateException("database " + db.describe() + " has schema version " + version
                + " but this agent-auth knows only up to " + latest() + "; run a newer agent-auth (or restore "
                + "the backup taken before the upgrade)");
    }

    static int version(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet r = meta.getTables(null, null, "schema_migrations", null)) {
            if (!r.next()) return 0;
        }
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }
}
