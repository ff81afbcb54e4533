package agentauth.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.Database;
import agentauth.store.Migrations;
import agentauth.support.Sqlite;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema migrations: each once, each in one transaction, and never on a newer database. */
class MigrationsTest {
    static final String VERSIONS = "SELECT version || ':' || applied_at FROM schema_migrations ORDER BY version";
    static final String INDEXES = "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN "
        + "('refresh_tokens_retry_copies', 'families_by_expiry') ORDER BY name";

    static String[] schemaV1() {
        try (var in = MigrationsTest.class.getResourceAsStream("schema-v1.sql")) {
            String sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            return java.util.Arrays.stream(sql.split(";\\s*\n")).filter(x -> !x.isBlank()).toArray(String[]::new);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static final List<String> ALL_VERSIONS = java.util.stream.IntStream.rangeClosed(1, Migrations.latest())
        .mapToObj(Integer::toString).toList();

    @TempDir
    Path dir;

    @Test
    void migrations_run_once_and_are_recorded() {
        Path db = dir.resolve("a.db");
        try (Database d = SqliteDatabase.open(db, false)) {
            assertTrue(d.healthy());
        }
        List<String> first = Sqlite.column(db, VERSIONS);
        assertEquals(Migrations.latest(), first.size(), first.toString());
        try (Database d = SqliteDatabase.open(db, false)) {
            assertTrue(d.healthy());
        }
        assertEquals(first, Sqlite.column(db, VERSIONS), "a second start applies nothing");
    }

    @Test
    void a_failing_migration_leaves_nothing_half_applied_and_the_next_start_completes_it() {
        Path db = dir.resolve("b.db");
        // A database at version 1, with an object in the way of the second statement of step 2.
        Sqlite.execute(db, schemaV1());
        Sqlite.execute(db, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
            "INSERT INTO schema_migrations VALUES (1, 0)", "CREATE INDEX families_by_expiry ON users(created_at)");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SqliteDatabase.open(db, false));
        assertTrue(e.getMessage().contains("families_by_expiry"), e.getMessage());
        assertEquals(List.of("1"), Sqlite.column(db, "SELECT version FROM schema_migrations"));
        assertEquals(List.of("families_by_expiry"), Sqlite.column(db, INDEXES), "step 2's first index was rolled back");

        Sqlite.execute(db, "DROP INDEX families_by_expiry");
        SqliteDatabase.open(db, false).close();
        assertEquals(ALL_VERSIONS, Sqlite.column(db, "SELECT version FROM schema_migrations ORDER BY version"));
        assertEquals(List.of("families_by_expiry", "refresh_tokens_retry_copies"), Sqlite.column(db, INDEXES));
    }

    @Test
    void the_server_refuses_to_start_on_a_database_newer_than_its_code() throws Exception {
        Path db = dir.resolve("c.db");
        SqliteDatabase.open(db, false).close();
        Sqlite.execute(db, "INSERT INTO schema_migrations(version, applied_at) VALUES (99, 0)");
        agentauth.support.JarProcess.Result r = agentauth.support.JarProcess.run(List.of("--port", "0", "--db", db.toString()));
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("has schema version 99 but this agent-auth knows only up to " + Migrations.latest() + "; run a newer agent-auth"),
            r.output());
        assertEquals("99", Sqlite.one(db, "SELECT MAX(version) FROM schema_migrations"), "nothing was changed");
    }

    @Test
    void the_audit_filter_by_user_ignoring_case_uses_its_index() {
        Path db = dir.resolve("e.db");
        SqliteDatabase.open(db, false).close();
        // The shape of AuditLog's query with a user filter.
        StringBuilder plan = new StringBuilder();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("EXPLAIN QUERY PLAN SELECT id, time, type, username, actor, address, detail "
                 + "FROM audit_events WHERE 1 = 1 AND lower(username) = lower('Agent-7') ORDER BY id DESC LIMIT 50")) {
            while (r.next()) plan.append(r.getString("detail")).append("; ");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        assertTrue(plan.toString().contains("USING INDEX audit_by_user"), plan.toString());
    }

    @Test
    void concurrent_openers_of_a_new_file_apply_each_step_once() throws Exception {
        // Openers that meet while a new file switches to WAL used to fail with SQLITE_BUSY in a few
        // rounds of a hundred: several rounds, each on a new file, each opener released together.
        for (int round = 0; round < 30; round++) {
            Path db = dir.resolve("d" + round + ".db");
            Thread[] openers = new Thread[4];
            Throwable[] failures = new Throwable[openers.length];
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(openers.length);
            for (int i = 0; i < openers.length; i++) {
                int n = i;
                openers[i] = new Thread(() -> {
                    try {
                        together.await();
                        try (Database d = SqliteDatabase.open(db, false)) {
                            d.healthy();
                        }
                    } catch (Throwable t) {
                        failures[n] = t;
                    }
                });
            }
            for (Thread t : openers) t.start();
            for (Thread t : openers) t.join();
            for (Throwable t : failures) if (t != null) throw new AssertionError("round " + round, t);
            assertEquals(ALL_VERSIONS, Sqlite.column(db, "SELECT version FROM schema_migrations ORDER BY version"));
        }
    }
}
