package agentauth.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema's steps mean the same on both databases: after every step, the same tables with the
 * same columns, kinds and nullability, and the same named indexes, each database in its own words
 * (so that a release at any version finds the same schema on either). The one difference allowed
 * is PostgreSQL's families.seq (from step 5), the insertion order that SQLite's rowid gives.
 */
class SchemaTest {
    private static final Set<String> POSTGRES_ONLY = Set.of("families.seq integer not null");

    @TempDir
    Path dir;

    @Test
    void after_every_step_both_databases_have_the_same_tables_columns_and_indexes() throws SQLException {
        Postgres.Database pg = Postgres.freshDatabase();
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("steps.db"));
             Connection postgres = pg.connect()) {
            for (int step = 1; step <= Schema.STEPS.size(); step++) {
                apply(sqlite, Schema.STEPS.get(step - 1).sql(Dialect.SQLITE));
                apply(postgres, Schema.STEPS.get(step - 1).sql(Dialect.POSTGRES));
                Set<String> onPostgres = postgresColumns(postgres);
                if (step >= 5) {
                    assertTrue(onPostgres.containsAll(POSTGRES_ONLY), onPostgres.toString());
                    onPostgres.removeAll(POSTGRES_ONLY);
                }
                assertEquals(sqliteColumns(sqlite), onPostgres, "columns after step " + step);
                assertEquals(sqliteIndexes(sqlite), postgresIndexes(postgres), "indexes after step " + step);
            }
        }
    }

    /** A step's statements, split as Migrations splits them. */
    private static void apply(Connection c, String step) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : step.split(";\\s*\n")) if (!sql.isBlank()) s.execute(sql);
        }
    }

    /** "table.column kind [not null]" for every column; a primary key is never null in meaning. */
    private static Set<String> sqliteColumns(Connection c) throws SQLException {
        return rows(c, "SELECT m.name || '.' || p.name, p.type, p.\"notnull\" OR p.pk > 0 FROM sqlite_master m "
            + "JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'");
    }

    private static Set<String> postgresColumns(Connection c) throws SQLException {
        return rows(c, "SELECT table_name || '.' || column_name, data_type, is_nullable = 'NO' FROM information_schema.columns "
            + "WHERE table_schema = current_schema()");
    }

    /** The indexes the schema names (not those a primary key or UNIQUE makes by itself), with their uniqueness. */
    private static Set<String> sqliteIndexes(Connection c) throws SQLException {
        return rows(c, "SELECT m.name, CASE WHEN l.\"unique\" THEN 'unique' ELSE 'index' END, 0 FROM sqlite_master m "
            + "JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name WHERE m.type = 'index' AND m.sql IS NOT NULL");
    }

    private static Set<String> postgresIndexes(Connection c) throws SQLException {
        return rows(c, "SELECT c.relname, CASE WHEN i.indisunique THEN 'unique' ELSE 'index' END, 0 FROM pg_index i "
            + "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = current_schema() AND NOT i.indisprimary "
            + "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)");
    }

    /** Each row as "name kind[ not null]", the kind as both databases would agree on it. */
    private static Set<String> rows(Connection c, String sql) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) out.add(r.getString(1) + " " + kind(r.getString(2)) + (r.getBoolean(3) ? " not null" : ""));
        }
        return out;
    }

    private static String kind(String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "integer", "bigint" -> "integer";
            case "blob", "bytea" -> "bytes";
            default -> type.toLowerCase(Locale.ROOT);
        };
    }
}
