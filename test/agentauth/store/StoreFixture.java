package agentauth.store;

import agentauth.store.postgres.PostgresDatabase;
import agentauth.store.postgres.PostgresUrl;
import agentauth.store.sqlite.SqliteDatabase;
import agentauth.support.Backend;
import agentauth.support.Postgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh database for a store test, migrated to the latest schema, on either backend: a SQLite
 * file in the test's folder or a fresh database on the test PostgreSQL server (skipped outside
 * CI when there is none). It opens further instances on the same database, as more servers
 * would, and closes them all at the end.
 */
final class StoreFixture implements AutoCloseable {
    /** A time with milliseconds, so that a test sees any precision lost on the way. */
    static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");

    final Backend backend;
    /** The first instance; null for an {@link #unopened} fixture (its test opens instances with {@link #openAgain}). */
    final Database db;
    private final Path file;            // SQLite only
    private final Postgres.Database pg; // PostgreSQL only
    private final List<Database> opened = new ArrayList<>();

    private StoreFixture(Backend backend, Path dir, boolean open) {
        this.backend = backend;
        this.file = backend == Backend.SQLITE ? dir.resolve("store.db") : null;
        this.pg = backend == Backend.POSTGRES ? Postgres.freshDatabase() : null;
        this.db = open ? openAgain("first") : null;
    }

    static StoreFixture open(Backend backend, Path dir) {
        return new StoreFixture(backend, dir, true);
    }

    /** A new, empty database that nobody opened yet: for a test of what opening does. */
    static StoreFixture unopened(Backend backend, Path dir) {
        return new StoreFixture(backend, dir, false);
    }

    /** Another instance on this database, as another server (PostgreSQL) or process (SQLite) opens it. */
    Database openAgain(String instanceId) {
        Database d = backend == Backend.SQLITE ? SqliteDatabase.open(file, false)
            : PostgresDatabase.open(PostgresUrl.parse(pg.url()), pg.password(), 4, instanceId);
        synchronized (opened) { opened.add(d); }
        return d;
    }

    /** The PostgreSQL database (PostgreSQL only): for a plain connection that watches the others. */
    Postgres.Database postgres() {
        if (pg == null) throw new IllegalStateException("not a PostgreSQL fixture");
        return pg;
    }

    /** Runs one statement with its arguments in a write transaction; returns the rows it changed. */
    int execute(String sql, Object... args) {
        return db.write(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                bind(s, args);
                return s.executeUpdate();
            }
        });
    }

    /** The first column of every row of a query, as text (null for NULL). */
    List<String> column(String sql, Object... args) {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql)) {
                bind(s, args);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add(r.getString(1));
                }
            }
            return out;
        });
    }

    /** The one value a query answers, as text. */
    String one(String sql, Object... args) {
        List<String> rows = column(sql, args);
        if (rows.size() != 1) throw new AssertionError(sql + " answered " + rows);
        return rows.get(0);
    }

    /** An enabled user created at {@link #T0}. */
    User user(String name, String... scopes) {
        return db.write(c -> new UserStore(db).insert(c, name, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", List.of(scopes),
            true, T0)).orElseThrow();
    }

    /** A live family of {@code user} created at {@code createdAt}, for a day, with one token {@code hash(id)}. */
    Family family(User user, String id, Instant createdAt) {
        Family f = new Family(id, user.id(), List.of("read"), "https://api.example", createdAt,
            createdAt.plus(Duration.ofDays(1)), null);
        SessionStore sessions = new SessionStore(db);
        db.write(c -> {
            sessions.insertFamily(c, f);
            sessions.insertToken(c, hash(id), id, null, createdAt);
            return null;
        });
        return f;
    }

    static Instant at(long millisAfterT0) {
        return T0.plusMillis(millisAfterT0);
    }

    /** SHA-256 of a token, as the stores keep it. */
    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every byte value once, from {@code first} on: bytes that a text column or a sign would mangle. */
    static byte[] everyByte(int first) {
        byte[] b = new byte[256];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (first + i);
        return b;
    }

    private static void bind(PreparedStatement s, Object... args) throws java.sql.SQLException {
        for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
    }

    @Override
    public void close() {
        synchronized (opened) {
            for (Database d : opened) d.close();
            opened.clear();
        }
    }
}
