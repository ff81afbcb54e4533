package agentauth.store.postgres;

import agentauth.store.Database;
import agentauth.store.Dialect;
import agentauth.store.Migrations;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL database shared by several instances: a HikariCP pool, one transaction per write
 * at READ COMMITTED. Correctness comes from the statements, not from the isolation level: rows
 * that decide (a refresh token's family) are locked where they are read, claims are conditional
 * UPDATEs, and every transaction takes its locks in one order (users, families, refresh tokens).
 * A deadlock or serialization failure, which commits nothing, runs the transaction again, a few
 * times; what still fails, and every outage, is a 503 (Dex and Hydra answered those with 500s).
 */
public final class PostgresDatabase implements Database {
    private static final int ATTEMPTS = 3;
    private static final long CONNECTION_TIMEOUT_MS = 2000; // contract A: no connection within 2 s is a 503, never a hang

    /** The current thread's transaction: its connection and what must follow its commit. */
    private record Transaction(Connection connection, List<Runnable> afterCommit) {}

    private final PostgresUrl url;
    private final HikariDataSource pool;
    private final PostgresFaults faults;
    private final ThreadLocal<Transaction> current = new ThreadLocal<>();

    private PostgresDatabase(PostgresUrl url, HikariDataSource pool) {
        this.url = url;
        this.pool = pool;
        this.faults = new PostgresFaults(url.toString());
    }

    /** Connects (failing at once when the database does not answer) and brings the schema up to date. */
    public static PostgresDatabase open(PostgresUrl url, String password, int poolSize, String instanceId) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url.jdbcUrl());
        c.setUsername(url.user());
        c.setPassword(password);
        c.setPoolName("agent-auth-db");
        c.setMaximumPoolSize(poolSize); // a fixed-size pool: no connection is opened while a request waits
        c.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        c.setValidationTimeout(1000);
        c.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        c.addDataSourceProperty("ApplicationName", "agent-auth " + instanceId);
        c.addDataSourceProperty("connectTimeout", "2");       // seconds: a dead host fails fast
        c.addDataSourceProperty("socketTimeout", "30");       // seconds: a stuck server cannot hold a request forever
        c.addDataSourceProperty("tcpKeepAlive", "true");
        // A row lock held longer than this fails the waiting statement (55P03: a 503) instead of piling requests up.
        c.addDataSourceProperty("options", "-c lock_timeout=5000 -c idle_in_transaction_session_timeout=60000");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(c);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to " + url + ": " + rootMessage(e), e);
        }
        PostgresDatabase db = new PostgresDatabase(url, pool);
        try {
            Migrations.apply(db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    @Override
    public <T> T write(Work<T> work) {
        Transaction outer = current.get();
        if (outer != null) return runOn(outer.connection(), work); // nested: the same transaction
        for (int attempt = 1; ; attempt++) {
            try (Connection c = connection()) {
                Transaction tx = new Transaction(c, new ArrayList<>());
                current.set(tx);
                try {
                    c.setAutoCommit(false);
                    T result = work.run(c);
                    c.commit();
                    current.remove();
                    faults.answered();
                    tx.afterCommit().forEach(Runnable::run);
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c);
                    SQLException sql = e instanceof SQLException s ? s : PostgresFaults.faultIn(e);
                    if (sql != null && PostgresFaults.retryable(sql) && attempt < ATTEMPTS) continue;
                    if (sql != null && PostgresFaults.reason(sql) != null) throw faults.toError(sql);
                    if (e instanceof SQLException s) throw faults.toError(s);
                    throw e;
                } finally {
                    current.remove();
                }
            } catch (SQLException e) { // no connection, or closing it failed
                throw faults.toError(e);
            }
        }
    }

    @Override
    public <T> T read(Work<T> work) {
        Transaction tx = current.get();
        if (tx != null) return runOn(tx.connection(), work); // see our own writes
        try (Connection c = connection()) {
            T result = work.run(c);
            faults.answered();
            return result;
        } catch (SQLException e) {
            throw faults.toError(e);
        }
    }

    private <T> T runOn(Connection c, Work<T> work) {
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw faults.toError(e);
        }
    }

    private Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void afterCommit(Runnable action) {
        Transaction tx = current.get();
        if (tx != null) tx.afterCommit().add(action);
        else action.run();
    }

    @Override
    public void lockAcrossInstances(Connection c, String name) throws SQLException {
        // The pool's lock_timeout bounds waits for rows; another instance's first start (Argon2
        // for the first admin included) may hold this one longer, so wait for it, then restore.
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '120s'");
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            s.setLong(1, key(name));
            s.execute();
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout TO DEFAULT");
        }
    }

    @Override
    public boolean sharedByInstances() {
        return true;
    }

    @Override
    public boolean tryLockAcrossInstances(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            s.setLong(1, key(name));
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }

    /** A stable 64-bit advisory lock key for a name, the same in every instance and release. */
    private static long key(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("agent-auth:" + name).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    public String describe() {
        return "PostgreSQL " + url;
    }

    /** Connections in use, idle, and callers waiting for one (metrics). */
    public int[] poolUse() {
        var m = pool.getHikariPoolMXBean();
        return m == null ? new int[3] : new int[] {m.getActiveConnections(), m.getIdleConnections(), m.getThreadsAwaitingConnection()};
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is gone with its transaction; the pool discards it
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return String.valueOf(t.getMessage());
    }
}
