package agentauth.store;

import static agentauth.store.StoreFixture.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rolling upgrades (issue 15): a migration never breaks the previous release's queries, because
 * during an upgrade instances of that release keep running on the schema this one migrated. So
 * every statement the previous release's stores send, kept in {@code previous-release-queries.sql}
 * beside this class, runs here against a database migrated to the latest schema, on rows written
 * both by this release's stores and by those statements; and the rows those statements insert
 * read back through this release's stores.
 *
 * <p>At each release, before tagging it, renew the file for the release now being replaced:
 * <ol>
 * <li>For each store in that release ({@code git show <commit>:src/agentauth/store/UserStore.java},
 *     and SessionStore, SigningKeyStore, AuditLog, SettingsStore, Migrations' version query),
 *     copy every statement as the code sends it: string constants expanded, one line per variant
 *     of a statement built at run time (AuditLog.list's filters; Dialect's words, with a
 *     {@code [sqlite]} or {@code [postgres]} prefix on a line that only one database gets).</li>
 * <li>Give each its sample parameters after {@code -- params:}, and order the lines so that each
 *     touches a row (the test checks it: a statement that matches nothing proves little).</li>
 * <li>Set the header's {@code release:} to that release's commit and {@code databases:} to the
 *     databases it ran on (from the first PostgreSQL release on: {@code sqlite, postgres}).</li>
 * <li>Adapt {@link #rows_the_previous_release_inserts_read_back_through_the_current_stores} to the
 *     rows the new file inserts.</li>
 * </ol>
 * A failure here means a migration contracts too early: expand now (add nullable or defaulted
 * columns, keep the old ones and their meaning), contract in the release after.
 */
@ParameterizedClass
@MethodSource("previousReleaseDatabases")
class PreviousReleaseQueriesTest {
    private static final String FILE = "previous-release-queries.sql";
    private static final String PARAMS = " -- params: ";

    @Parameter
    Backend backend;
    @TempDir
    Path dir;

    private StoreFixture f;

    /** One statement of the file, with its line number and parameters. */
    record Query(int line, String sql, List<Object> params) {}

    static Stream<Backend> previousReleaseDatabases() {
        String header = lines().stream().filter(l -> l.startsWith("-- databases:")).findFirst()
            .orElseThrow(() -> new IllegalStateException(FILE + " names no databases"));
        return Stream.of(header.substring("-- databases:".length()).split(","))
            .map(name -> Backend.valueOf(name.trim().toUpperCase(Locale.ROOT)));
    }

    @BeforeEach
    void open() {
        f = StoreFixture.open(backend, dir);
        // Rows this release wrote before the previous release's queries meet them.
        User user = f.user("New-Agent", "read");
        f.family(user, "new-family", T0);
        f.db.write(c -> {
            new SigningKeyStore(f.db).insert(c, new SigningKeyStore.Row("new-kid", T0, T0, new byte[] {1}, new byte[] {2},
                T0.plus(Duration.ofHours(1)), null, null));
            new SigningKeyStore(f.db).markSigning(c, "new-kid");
            new AuditLog(f.db, "test").record(c, T0, "user_created", "New-Agent", "admin", null, null);
            return null;
        });
    }

    @AfterEach
    void close() {
        if (f != null) f.close();
    }

    @Test
    void every_query_of_the_previous_release_runs_on_the_latest_schema_and_touches_a_row() {
        List<Query> queries = queries();
        assertTrue(queries.size() >= 40, "the file holds every statement: " + queries.size());
        for (Query q : queries) {
            int touched = f.db.write(c -> run(c, q));
            assertTrue(touched > 0, "line " + q.line() + " touched no row: " + q.sql());
        }
    }

    @Test
    void rows_the_previous_release_inserts_read_back_through_the_current_stores() {
        insertAsThePreviousReleaseDoes();
        User old = new UserStore(f.db).find("OLD-AGENT").orElseThrow();
        assertEquals(List.of("Old-Agent", "$argon2id$old", "[read, write]", "true", T0.toString(), "0", "0"),
            List.of(old.username(), old.passwordHash(), old.scopes().toString(), Boolean.toString(old.enabled()),
                old.createdAt().toString(), Long.toString(old.gen()), Long.toString(old.credentialVersion())));
        assertNull(old.lastLoginAt());

        SessionStore sessions = new SessionStore(f.db);
        Family family = sessions.family("old-family").orElseThrow();
        assertEquals(new Family("old-family", old.id(), List.of("read"), "https://api.example", T0, T0.plus(Duration.ofDays(1)),
            null), family);
        byte[] child = HexFormat.of().parseHex("02".repeat(32));
        assertEquals(family, f.db.read(c -> sessions.findToken(c, child)).orElseThrow().family());
        assertEquals(List.of("old-family"), f.db.read(c -> sessions.liveFamiliesBeyond(c, old.id(), T0, 0)));

        SigningKeyStore.Row key = new SigningKeyStore(f.db).all().stream().filter(k -> k.kid().equals("old-kid")).findFirst()
            .orElseThrow();
        assertArrayEquals(HexFormat.of().parseHex("00ff7f80"), key.sealedPrivateKey());
        assertEquals(key.createdAt(), key.activatesAt(), "a key the previous release made activated when it was made");
        assertEquals(List.of("by the previous release"),
            new AuditLog(f.db, "test").list(10, null, "old-agent", null).events().stream().map(AuditLog.Event::detail).toList());
    }

    @Test
    void a_user_the_previous_release_inserts_gets_a_uid() {
        insertAsThePreviousReleaseDoes();
        String uid = new UserStore(f.db).find("old-agent").orElseThrow().uid();
        assertTrue(uid != null && uid.matches("[0-9a-f]{32}"), "uid " + uid);
    }

    private void insertAsThePreviousReleaseDoes() {
        for (Query q : queries()) if (q.sql().startsWith("INSERT ")) f.db.write(c -> run(c, q));
    }

    /** Runs one statement: the rows a query answers, or the rows a change changed. */
    private static int run(java.sql.Connection c, Query q) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(q.sql())) {
            for (int i = 0; i < q.params().size(); i++) {
                Object p = q.params().get(i);
                if (p == null) s.setNull(i + 1, Types.NULL);
                else s.setObject(i + 1, p);
            }
            if (!s.execute()) return s.getUpdateCount();
            int rows = 0;
            try (ResultSet r = s.getResultSet()) {
                while (r.next()) rows++;
            }
            return rows;
        } catch (SQLException e) {
            throw new SQLException(FILE + " line " + q.line() + ": " + e.getMessage() + "\n  " + q.sql(), e);
        }
    }

    /** The file's statements for this test's database, in order. */
    private List<Query> queries() {
        List<String> lines = lines();
        List<Query> out = new ArrayList<>();
        String only = "[" + backend.name().toLowerCase(Locale.ROOT) + "] ";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("--")) continue;
            if (line.startsWith("[")) {
                if (!line.startsWith(only)) continue;
                line = line.substring(only.length());
            }
            int at = line.indexOf(PARAMS);
            String sql = at < 0 ? line : line.substring(0, at);
            List<Object> params = at < 0 ? List.of() : parameters(line.substring(at + PARAMS.length()));
            out.add(new Query(i + 1, sql, params));
        }
        return out;
    }

    /** {@code 123, 'text', x'0a0b', null}: no commas inside a text. */
    private static List<Object> parameters(String text) {
        List<Object> out = new ArrayList<>();
        for (String p : text.split(",\\s*")) {
            if (p.equals("null")) out.add(null);
            else if (p.startsWith("x'")) out.add(HexFormat.of().parseHex(p.substring(2, p.length() - 1)));
            else if (p.startsWith("'")) out.add(p.substring(1, p.length() - 1));
            else out.add(Long.parseLong(p));
        }
        return out;
    }

    private static List<String> lines() {
        try (InputStream in = PreviousReleaseQueriesTest.class.getResourceAsStream(FILE)) {
            if (in == null) throw new IllegalStateException(FILE + " is not on the class path beside this class");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
