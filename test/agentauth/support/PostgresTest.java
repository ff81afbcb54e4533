package agentauth.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The test PostgreSQL server is real, fast, isolated per test, and survives an outage with its data. */
class PostgresTest {

    @Test
    void fresh_databases_are_empty_and_independent() throws SQLException {
        Postgres.Database first = Postgres.freshDatabase();
        Postgres.Database second = Postgres.freshDatabase();
        assertFalse(first.name().equals(second.name()));
        try (Connection c = first.connect(); Statement s = c.createStatement()) {
            assertEquals(0, tableCount(s));
            s.execute("CREATE TABLE notes (body TEXT NOT NULL)");
            s.execute("INSERT INTO notes VALUES ('only in the first')");
        }
        try (Connection c = second.connect(); Statement s = c.createStatement()) {
            assertEquals(0, tableCount(s));
        }
    }

    @Test
    void agent_auth_connects_through_hikari_as_a_role_without_superuser_powers() throws SQLException {
        Postgres.Database db = Postgres.freshDatabase();
        assertFalse(db.url().contains(db.password()) || db.toString().contains(db.password()));
        try (HikariDataSource pool = pool(db); Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            assertEquals(db.user() + " " + db.name() + " false", text(s, "SELECT current_user || ' ' || current_database()"
                + " || ' ' || rolsuper FROM pg_roles WHERE rolname = current_user"));
            assertEquals("off off off 300", text(s, "SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit')"
                + " || ' ' || current_setting('full_page_writes') || ' ' || current_setting('max_connections')"));
            s.execute("CREATE TABLE owned (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY)"); // it owns its database
        }
    }

    @Test
    void a_private_server_stops_and_starts_again_with_its_data() throws SQLException {
        Postgres.Database db;
        try (Postgres server = Postgres.startPrivate()) {
            db = server.createDatabase();
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE survivors (name TEXT)");
                s.execute("INSERT INTO survivors VALUES ('kept')");
            }
            try (HikariDataSource pool = pool(db)) {
                server.stop();
                assertFalse(server.isRunning());
                assertThrows(SQLException.class, () -> connect(db));
                assertThrows(SQLException.class, pool::getConnection, "a pool answers within its timeout, never hangs");

                server.start();
                assertTrue(server.isRunning());
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    assertEquals("kept", text(s, "SELECT name FROM survivors"));
                }
            }
        }
        assertThrows(SQLException.class, () -> connect(db), "a closed private server is gone");
    }

    private static void connect(Postgres.Database db) throws SQLException {
        DriverManager.getConnection(db.jdbcUrl() + "&connectTimeout=5", db.user(), db.password()).close();
    }

    private static HikariDataSource pool(Postgres.Database db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setPassword(db.env().get("AGENT_AUTH_DB_PASSWORD"));
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(2_000); // issue 15: no connection within 2 s is a 503, never a hang
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    private static int tableCount(Statement s) throws SQLException {
        return Integer.parseInt(text(s, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));
    }

    private static String text(Statement s, String query) throws SQLException {
        try (ResultSet rows = s.executeQuery(query)) {
            assertTrue(rows.next(), query);
            return rows.getString(1);
        }
    }
}
