package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Forward-only, numbered schema migrations, each applied once in its own transaction and
 * recorded in schema_migrations. A database newer than this code is refused, not guessed at.
 * Times are epoch milliseconds (UTC).
 */
public final class Migrations {
    private static final List<String> STEPS = List.of(
        // 1: users, refresh-token families and tokens, signing keys, audit events
        """
        CREATE TABLE users (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          username TEXT NOT NULL,
          username_key TEXT NOT NULL UNIQUE,      -- lower-cased (ASCII, Locale.ROOT): names are unique ignoring case
          password_hash TEXT NOT NULL,            -- Argon2id, standard encoded form
          scopes TEXT NOT NULL,                   -- space-separated
          enabled INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          last_login_at INTEGER,
          credentials_changed_at INTEGER,         -- last password change or disable; tokens before it die
          credential_version INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE families (
          id TEXT PRIMARY KEY,                    -- the sid claim
          user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          scope TEXT NOT NULL,
          audience TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,            -- absolute: rotation never extends it
          revoked_at INTEGER,
          refreshed_at INTEGER,
          refresh_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX families_by_user ON families(user_id, created_at);
        CREATE TABLE refresh_tokens (
          hash BLOB PRIMARY KEY,                  -- SHA-256 of the token; the token itself is never stored
          family_id TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
          parent_hash BLOB,
          created_at INTEGER NOT NULL,
          used_at INTEGER,
          successor BLOB,                         -- retry window only: encrypted under a key derived from the token
          successor_until INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id);
        CREATE TABLE signing_keys (
          kid TEXT PRIMARY KEY,
          created_at INTEGER NOT NULL,
          public_key BLOB NOT NULL,               -- X.509 DER
          private_key BLOB NOT NULL,              -- AES-256-GCM under the master key, kid as associated data
          signing INTEGER NOT NULL,
          tokens_until INTEGER NOT NULL,          -- no token it signed expires after this
          revoked_at INTEGER
        );
        CREATE TABLE audit_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          time INTEGER NOT NULL,
          type TEXT NOT NULL,
          username TEXT,
          actor TEXT,
          address TEXT,
          detail TEXT
        );
        CREATE INDEX audit_by_time ON audit_events(time);
        CREATE INDEX audit_by_user ON audit_events(username, id);
        CREATE INDEX audit_by_type ON audit_events(type, id);
        """,
        // 2: the housekeeping sweeps find expired retry copies and expired families without a scan
        """
        CREATE INDEX refresh_tokens_retry_copies ON refresh_tokens(successor_until) WHERE successor IS NOT NULL;
        CREATE INDEX families_by_expiry ON families(expires_at);
        """,
        // 3: the live families of a user, for the limit of 100 checked at every login:
        // families_by_user also walked the ended ones, so a login's cost grew with the agent's
        // history until pruning (bench/). The plain user_id index stays for the delete cascade.
        """
        DROP INDEX families_by_user;
        CREATE INDEX families_live_by_user ON families(user_id, created_at) WHERE revoked_at IS NULL;
        CREATE INDEX families_by_user ON families(user_id);
        """,
        // 4: the audit filter by user matches names ignoring case (as they are unique), which
        // the plain index could not serve: every filtered page scanned the whole table
        """
        DROP INDEX audit_by_user;
        CREATE INDEX audit_by_user ON audit_events(username COLLATE NOCASE, id);
        """);

    private Migrations() {}

    static int latest() {
        return STEPS.size();
    }

    /**
     * Brings the schema up to date. The version is read first without a write, so a database that
     * is already current opens even from a read-only file; each step then runs in its own write
     * transaction that re-reads the version, so two processes opening one new file at once (the
     * server and the users command) apply each step exactly once, and a failing step leaves
     * nothing half-applied.
     */
    public static void apply(Database db) {
        int current = db.read(Migrations::version);
        while (true) {
            refuseNewer(db, current);
            if (current == STEPS.size()) return;
            current = db.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
                }
                int v = version(c);
                if (v >= STEPS.size()) return v;
                int next = v + 1;
                try (Statement s = c.createStatement()) {
                    for (String stmt : STEPS.get(next - 1).split(";\\s*\n")) if (!stmt.isBlank()) s.execute(stmt);
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
        if (version > STEPS.size())
            throw new IllegalStateException("database " + db.describe() + " has schema version " + version
                + " but this agent-auth knows only up to " + STEPS.size() + "; run a newer agent-auth (or restore "
                + "the backup taken before the upgrade)");
    }

    private static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")) {
                if (!r.next()) return 0;
            }
            try (ResultSet r = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) {
                return r.next() ? r.getInt(1) : 0;
            }
        }
    }
}
