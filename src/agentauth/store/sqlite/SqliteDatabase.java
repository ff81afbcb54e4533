package agentauth.store.sqlite;

import agentauth.error.AuthError;
import agentauth.store.Database;
import agentauth.store.Dialect;
import agentauth.store.Migrations;
import agentauth.store.sqlite.GroupCommit.Pending;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQLite file: a writer connection behind {@link GroupCommit}, a few reader connections that
 * WAL lets run beside it, and a connection of its own for checkpoints. Storage faults become 503
 * ({@link SqliteFaults}); a file deleted or replaced underneath is refused ({@link FileIdentity}).
 */
public final class SqliteDatabase implements Database {
    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final int READERS = 4;
    private static final long BUSY_TIMEOUT_MS = 5000;
    private static final int SQLITE_BUSY = 5;
    // The server checkpoints from its housekeeping thread (checkpoint()); a writer copies the WAL
    // back itself, under the write lock, only past this many pages (~40 MiB), as a safety net.
    private static final int AUTO_CHECKPOINT_PAGES = 10_000;
    private static final String SAVEPOINT = "agent_auth_batched_write"; // a name no work uses for its own

    private final Path file;
    private final boolean durable;
    private final FileIdentity identity;
    private final SqliteFaults faults;
    private final GroupCommit writes = new GroupCommit(new BatchTransaction());
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private Connection writer;        // guarded by the write lock; reopened after a read-only fault
    private boolean reopen;           // guarded by the write lock
    private int readerCount;          // reader connections in existence; changed under the write lock
    private final Object checkpointLock = new Object();
    private Connection checkpointer;  // guarded by checkpointLock
    private long checkpointedAt;      // commits at the last checkpoint; guarded by checkpointLock
    private volatile long commits;    // write transactions committed (written under the write lock)
    private volatile boolean closed;
    private ServerLock serverLock;    // held while a server serves the file; null for commands

    private SqliteDatabase(Path file, boolean durable) throws SQLException {
        this.file = file;
        this.durable = durable;
        this.faults = new SqliteFaults(file.toString());
        this.writer = connect();
        try {
            this.identity = new FileIdentity(file);
            for (; readerCount < READERS; readerCount++) readers.add(connect());
            this.checkpointer = connect();
        } catch (IOException | SQLException e) {
            readers.forEach(SqliteDatabase::closeQuietly);
            closeQuietly(writer);
            if (e instanceof SQLException sql) throw sql;
            throw new SQLException("cannot read the attributes of " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the file for the server: one server per file ({@link ServerLock}); the file is created
     * (owner-only) when absent, and its schema brought up to date.
     */
    public static SqliteDatabase serve(Path file, boolean durable) {
        ServerLock lock = ServerLock.acquire(file);
        try {
            SqliteDatabase db = open(file, durable);
            db.serverLock = lock;
            return db;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Opens the file for a command beside the server (users, backup): never creates one. */
    public static SqliteDatabase openExisting(Path file, boolean durable) {
        String problem = SqliteFiles.problem(file, false);
        if (problem != null) throw new IllegalStateException(problem);
        return open(file, durable);
    }

    /** Opens (creating when absent, owner-only) the database file and brings its schema up to date. */
    public static SqliteDatabase open(Path file, boolean durable) {
        try {
            if (!Files.exists(file)) {
                log.info("creating a new database at {}", file.toAbsolutePath());
                SqliteFiles.createOwnerOnly(file);
            }
            SqliteDatabase db = new SqliteDatabase(file, durable);
            Migrations.apply(db);
            return db;
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot open database " + file + ": " + e.getMessage(), e);
        }
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            // Another process (the users command, a backup) may hold a lock briefly: wait instead
            // of failing. First, so that the pragmas below wait too.
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            // WAL: readers never block the writer nor the writer them.
            enableWal(s);
            // NORMAL in WAL survives a process crash (only power loss can drop the last commits);
            // FULL (--durable) also survives power loss, at one fsync per commit.
            s.execute("PRAGMA synchronous=" + (durable ? "FULL" : "NORMAL"));
            s.execute("PRAGMA foreign_keys=ON");
            s.execute("PRAGMA wal_autocheckpoint=" + AUTO_CHECKPOINT_PAGES);
        } catch (SQLException e) {
            closeQuietly(c); // the caller gets no connection to close
            throw e;
        }
        return c;
    }

    /**
     * Switching a new file to WAL takes its exclusive lock, and SQLite answers BUSY at once, without
     * the busy handler, when two connections switch it together (a deadlock it refuses to wait on):
     * retry for as long as the busy timeout. Once switched, the file stays WAL and this returns at once.
     */
    private static void enableWal(Statement s) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MS);
        for (int attempt = 1; ; attempt++) {
            try {
                s.execute("PRAGMA journal_mode=WAL");
                return;
            } catch (SQLException e) {
                if ((e.getErrorCode() & 0xFF) != SQLITE_BUSY || System.nanoTime() > deadline) throw e;
            }
            try {
                Thread.sleep(Math.min(attempt, 20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while switching to WAL", e);
            }
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    public void lockAcrossInstances(Connection c, String name) {
        // BEGIN IMMEDIATE holds the file's one write lock for the whole transaction already
    }

    @Override
    public boolean sharedByInstances() {
        return false; // ServerLock: one server per file
    }

    @Override
    public boolean tryLockAcrossInstances(Connection c, String name) {
        return true;
    }

    @Override
    public String describe() {
        return "SQLite " + file;
    }

    @Override
    public <T> T write(Work<T> work) {
        if (writes.heldByCurrentThread()) return runUnchecked(work, writer); // nested: same transaction
        return writes.submit(work);
    }

    @Override
    public void afterCommit(Runnable action) {
        writes.afterCommit(action);
    }

    /** Write transactions committed since open (a batch is one). */
    public long commits() {
        return commits;
    }

    /** The batch's transaction: BEGIN IMMEDIATE, a savepoint per work when there are several, COMMIT. */
    private final class BatchTransaction implements GroupCommit.Transaction {
        @Override
        public void run(List<Pending<?>> batch) throws Throwable {
            try {
                runBatch(batch);
            } catch (SQLException e) {
                if (SqliteFaults.needsReopen(e)) reopen = true;
                throw faults.toError(e);
            }
            faults.committed();
        }

        @Override
        public void rollback() {
            try (Statement s = writer.createStatement()) {
                s.execute("ROLLBACK");
            } catch (SQLException e) {
                // SQLite may already have rolled back (e.g. on SQLITE_FULL); nothing else to do
            }
        }
    }

    /**
     * Runs the batch and commits it. A work that fails alone is rolled back to its savepoint, or
     * with the transaction when it is the only one (then its failure is thrown, so nothing commits).
     */
    private void runBatch(List<Pending<?>> batch) throws Throwable {
        ensureOpen();
        identity.check(true); // every write: a stat costs far less than a commit, and no write may land in a deleted file
        if (reopen) reopenAll();
        execute("BEGIN IMMEDIATE");
        boolean savepoints = batch.size() > 1; // alone, a failure rolls back the whole transaction
        for (Pending<?> p : batch) {
            if (savepoints) execute("SAVEPOINT " + SAVEPOINT);
            try {
                writes.run(p, writer);
            } catch (SQLException e) {
                if (SqliteFaults.isStorageFault(e)) throw e; // SQLite may have ended the transaction: the batch fails
                p.fail(faults.toError(e));
            } catch (RuntimeException | Error e) {
                // A nested read or write met a storage fault and wrapped it: the batch fails too.
                SQLException fault = SqliteFaults.storageFaultIn(e);
                if (fault != null) throw fault;
                p.fail(e);
            }
            if (p.failed() && !savepoints) throw p.failure();
            if (p.failed()) execute("ROLLBACK TO " + SAVEPOINT);
            if (savepoints) execute("RELEASE " + SAVEPOINT);
        }
        execute("COMMIT");
        commits++;
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /**
     * A connection that met a read-only file stays read-only in SQLite even after the file is
     * writable again, and so does the shared-memory index every connection of this process to the
     * file shares: so after such a fault all connections are reopened (same path; the identity was
     * just checked) at the next write. This is how service resumes by itself once the fault clears.
     */
    private void reopenAll() {
        try {
            for (int i = readerCount; i > 0; i--) { // wait for reads in progress to hand their connection back
                Connection c = readers.poll(BUSY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (c == null) throw new AuthError.TemporarilyUnavailable("The database is busy; try again.", 1, null);
                closeQuietly(c);
                readerCount--;
            }
            synchronized (checkpointLock) {
                // every connection closes before any opens: one left open keeps the shared index read-only
                closeQuietly(checkpointer);
                closeQuietly(writer);
                writer = connect();
                checkpointer = connect();
            }
            while (readerCount < READERS) {
                readers.add(connect());
                readerCount++;
            }
            reopen = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthError.TemporarilyUnavailable("The server is shutting down.", 1, e);
        } catch (SQLException e) {
            throw faults.toError(e); // reopen stays set: the next write starts over
        }
    }

    @Override
    public <T> T read(Work<T> work) {
        if (writes.heldByCurrentThread()) return runUnchecked(work, writer); // see our own writes
        ensureOpen();
        identity.check(false);
        Connection c;
        try {
            c = readers.poll(BUSY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthError.TemporarilyUnavailable("The server is shutting down.", 1, e);
        }
        if (c == null) throw new AuthError.TemporarilyUnavailable("The database is busy; try again.", 1, null);
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw faults.toError(e);
        } finally {
            readers.add(c);
        }
    }

    private <T> T runUnchecked(Work<T> work, Connection c) {
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw faults.toError(e);
        }
    }

    /**
     * Copies the pages committed since the last call from the WAL into the database file, on a
     * connection of its own and PASSIVE: it neither waits for nor blocks readers and the writer.
     * Left to SQLite, the committing writer does this under the write lock every 1,000 pages,
     * fsyncs included, and every write waits (bench/: 15-20 % of the rotating-refresh rate).
     */
    public void checkpoint() {
        synchronized (checkpointLock) {
            long seen = commits;
            if (closed || identity.lost() != null || seen == checkpointedAt) return;
            try (Statement s = checkpointer.createStatement(); ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                // (busy, frames in the WAL, frames copied): a reader on an old snapshot may hold
                // some back, and then the next call tries again even with no new commits.
                if (r.next() && r.getInt(2) == r.getInt(3)) checkpointedAt = seen;
            } catch (SQLException e) {
                // a storage fault: the next write meets it too, answers 503 and logs it
            }
        }
    }

    private void ensureOpen() {
        if (closed) throw new AuthError.TemporarilyUnavailable("The server is shutting down.", 1, null);
    }

    @Override
    public void close() {
        writes.lock();
        try {
            if (closed) return;
            closed = true;
            try {
                identity.check(true);
            } catch (AuthError e) {
                // lost: handled below
            }
            if (identity.lost() != null) {
                // SQLite would checkpoint and then delete "<db>-wal" and "<db>-shm" by name: files
                // that may belong to whatever is at that path now. The process is ending anyway.
                log.warn("the database file {} {}: leaving its connections unclosed", file, identity.lost());
                return;
            }
            for (Connection c : readers) closeQuietly(c);
            synchronized (checkpointLock) { closeQuietly(checkpointer); }
            try (Statement s = writer.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)"); // leave one self-contained file behind
            } catch (SQLException e) {
                log.warn("checkpoint on close failed: {}", e.getMessage());
            }
            closeQuietly(writer);
        } finally {
            if (serverLock != null) serverLock.close(); // last: the file is consistent by now
            writes.unlock();
        }
    }

    private static void closeQuietly(Connection c) {
        try { c.close(); } catch (SQLException e) { /* closing anyway */ }
    }
}
