package agentauth.store;

import agentauth.error.AuthError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite file: one writer connection behind a lock (SQLite allows one writer at a time, so
 * writes are serialized here by design instead of failing with SQLITE_BUSY under load), and a
 * few reader connections that WAL lets run beside it. Storage faults (read-only file, full disk,
 * I/O errors, a lock held too long by another process) become 503 temporarily_unavailable.
 *
 * <p>The file's identity (inode) is remembered at open and checked before every write and at
 * most once a second on reads: a file deleted or replaced under the running server would
 * otherwise go on taking writes into a deleted inode, or have a fresh empty database created in
 * its place. Either way the server answers 503 and logs it until restarted; it never opens or
 * creates another file by itself.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final int READERS = 4;
    private static final long BUSY_TIMEOUT_MS = 5000;
    private static final long IDENTITY_CHECK_NANOS = 1_000_000_000L;
    // The server checkpoints from its housekeeping thread (checkpoint()); a writer copies the WAL
    // back itself, under the write lock, only past this many pages (~40 MiB), as a safety net.
    private static final int AUTO_CHECKPOINT_PAGES = 10_000;
    private static final int MAX_BATCH = 64;
    private static final int EXTRA_BATCHES = 4;
    private static final String SAVEPOINT = "agent_auth_batched_write"; // a name no work uses for its own

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final Path file;
    private final boolean durable;
    private final Object identity;
    private Connection writer; // guarded by writeLock; reopened after a read-only fault
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Queue<PendingWrite<?>> queue = new ConcurrentLinkedQueue<>(); // writes waiting for the next batch
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private volatile boolean closed;
    private volatile long identityCheckedAt = System.nanoTime();
    private volatile String identityLost;  // why, once the file is gone or replaced; never cleared
    private volatile String fault;         // the storage fault last logged; null when writes work
    private boolean reopenWriter;          // guarded by writeLock
    private int readerCount;               // reader connections in existence; changed under writeLock
    private final Object checkpointLock = new Object();
    private Connection checkpointer;       // guarded by checkpointLock
    private long checkpointedAt;           // commits at the last checkpoint; guarded by checkpointLock
    private volatile long commits;         // write transactions committed (written under writeLock)

    private Database(Path file, boolean durable) throws SQLException {
        this.file = file;
        this.durable = durable;
        this.writer = connect(file, durable);
        try {
            this.identity = fileKey(file);
        } catch (IOException e) {
            closeQuietly(writer);
            throw new SQLException("cannot read the attributes of " + file + ": " + e.getMessage(), e);
        }
        try {
            for (; readerCount < READERS; readerCount++) readers.add(connect(file, durable));
            this.checkpointer = connect(file, durable);
        } catch (SQLException e) {
            readers.forEach(Database::closeQuietly);
            closeQuietly(writer);
            throw e;
        }
    }

    /** Opens (creating when absent) the database file and brings its schema up to date. */
    public static Database open(Path file, boolean durable) {
        if (!Files.exists(file)) log.info("creating a new database at {}", file.toAbsolutePath());
        try {
            Database db = new Database(file, durable);
            Migrations.apply(db);
            return db;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open database " + file + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(Path file, boolean durable) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            // Another process (the users command, a backup) may hold a lock briefly: wait instead
            // of failing. First, so that the pragmas below wait too.
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            // WAL: readers never block the writer nor the writer them.
            s.execute("PRAGMA journal_mode=WAL");
            // NORMAL in WAL survives a process crash (only power loss can drop the last commits);
            // FULL (--durable) also survives power loss, at one fsync per commit.
            s.execute("PRAGMA synchronous=" + (durable ? "FULL" : "NORMAL"));
            s.execute("PRAGMA foreign_keys=ON");
            s.execute("PRAGMA wal_autocheckpoint=" + AUTO_CHECKPOINT_PAGES);
        }
        return c;
    }

    public Path file() {
        return file;
    }

    /**
     * Runs {@code work} in a write transaction, serialized with all others: it sees every earlier
     * write and commits before its result returns. Writes that queue up behind the lock commit
     * together (group commit): whichever caller takes the lock runs every waiting work, each in
     * a savepoint of its own, so one that throws leaves nothing behind and the others still
     * commit. Under load that saves a BEGIN, a COMMIT and a wake-up per write (bench/).
     */
    public <T> T write(Work<T> work) {
        if (writeLock.isHeldByCurrentThread()) return runUnchecked(work, writer); // nested: same transaction
        PendingWrite<T> mine = new PendingWrite<>(work);
        queue.add(mine);
        boolean interrupted = false;
        while (!mine.done) {
            if (writeLock.tryLock()) {
                try {
                    // Past our own write, a few more batches if writes are waiting: cheaper than
                    // waking a parked thread to run them (on 2 cores, that wake-up left CPU idle).
                    // Not after a failure, though: a busy or faulty database fails each one slowly.
                    boolean committed = true;
                    for (int extra = 0; !mine.done || (committed && !queue.isEmpty() && extra < EXTRA_BATCHES); ) {
                        if (mine.done) extra++;
                        committed = commitBatch();
                    }
                } finally {
                    if (!mine.done && queue.remove(mine)) { // only if something above threw: never leave it behind
                        mine.fail(new IllegalStateException("the write was not run"));
                        mine.complete();
                    }
                    unlockAndHandOver();
                }
            } else {
                LockSupport.park(this); // until a batch ran this work, or the lock is free again
                interrupted |= Thread.interrupted(); // or park would return at once from now on
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        return mine.outcome();
    }

    /** Write transactions committed since open (a batch is one). */
    long commits() {
        return commits;
    }

    /** Whoever releases the lock wakes the first waiting writer, so queued work never sits unclaimed. */
    private void unlockAndHandOver() {
        writeLock.unlock();
        PendingWrite<?> next = queue.peek();
        if (next != null) LockSupport.unpark(next.caller);
    }

    /**
     * Under the lock: runs up to MAX_BATCH queued works in one transaction, then completes each,
     * whatever happens (an Error included). True when the batch committed.
     */
    private boolean commitBatch() {
        List<PendingWrite<?>> batch = new ArrayList<>();
        for (PendingWrite<?> p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) batch.add(p);
        boolean committed = false;
        Throwable batchFailure = null;
        try {
            runInTransaction(batch);
            committed = true;
        } catch (SQLException e) {
            batchFailure = writeFault(e);
        } catch (Throwable e) {
            batchFailure = e;
        } finally {
            if (!committed) rollbackQuietly();
            for (PendingWrite<?> p : batch) {
                if (!committed && !p.failed())
                    p.fail(batchFailure != null ? batchFailure : new IllegalStateException("the write did not commit"));
                p.complete();
            }
        }
        if (committed && fault != null) {
            fault = null;
            log.info("storage available again: writes to {} succeed", file);
        }
        return committed;
    }

    /**
     * Runs the batch and commits it. Throws when the batch fails as a whole; a work that fails
     * alone is rolled back to its savepoint, or with the transaction when it is the only one
     * (then this throws its failure too, so nothing commits).
     */
    private void runInTransaction(List<PendingWrite<?>> batch) throws Throwable {
        ensureOpen();
        checkIdentity(true); // every write: a stat costs far less than a commit, and no write may land in a deleted file
        if (reopenWriter) reopenAll();
        execute("BEGIN IMMEDIATE");
        boolean savepoints = batch.size() > 1; // alone, a failure rolls back the whole transaction
        for (PendingWrite<?> p : batch) {
            if (savepoints) execute("SAVEPOINT " + SAVEPOINT);
            try {
                p.run(writer);
            } catch (SQLException e) {
                if (isStorageFault(e)) throw e; // SQLite may have ended the transaction: the batch fails
                p.fail(storageFault(e));
            } catch (RuntimeException | Error e) {
                // A nested read or write met a storage fault and wrapped it: the batch fails too.
                SQLException fault = storageFaultIn(e);
                if (fault != null) throw fault;
                p.fail(e);
            }
            if (p.failed() && !savepoints) throw p.failure;
            if (p.failed()) execute("ROLLBACK TO " + SAVEPOINT);
            if (savepoints) execute("RELEASE " + SAVEPOINT);
        }
        execute("COMMIT");
        commits++;
    }

    /** The storage-fault SQLException in {@code e}'s causes, if any. */
    private static SQLException storageFaultIn(Throwable e) {
        Throwable c = e;
        for (int depth = 0; c != null && depth < 8; depth++, c = c.getCause())
            if (c instanceof SQLException sql && isStorageFault(sql)) return sql;
        return null;
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /** A queued write: its work, the thread waiting for it, and what it came to. */
    private static final class PendingWrite<T> {
        final Work<T> work;
        final Thread caller = Thread.currentThread();
        private T result;
        Throwable failure;
        volatile boolean done; // set last: result and failure are visible to the caller once it reads true

        PendingWrite(Work<T> work) {
            this.work = work;
        }

        void run(Connection c) throws SQLException {
            result = work.run(c);
        }

        void fail(Throwable e) {
            result = null;
            failure = e;
        }

        boolean failed() {
            return failure != null;
        }

        void complete() {
            done = true;
            if (caller != Thread.currentThread()) LockSupport.unpark(caller); // no stray permit for our own next park
        }

        T outcome() {
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            return result;
        }
    }

    /**
     * A connection that met a read-only file stays read-only in SQLite even after the file is
     * writable again, and so does the shared-memory index every connection of this process to the
     * file shares: so after such a fault all connections are reopened (same path; the identity was
     * just checked) at the next write. This is how service resumes by itself once the fault clears.
     */
    private RuntimeException writeFault(SQLException e) {
        int primary = e.getErrorCode() & 0xFF;
        if (primary == 8 || primary == 10 || primary == 14) reopenWriter = true;
        return storageFault(e);
    }

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
                writer = connect(file, durable);
                checkpointer = connect(file, durable);
            }
            while (readerCount < READERS) {
                readers.add(connect(file, durable));
                readerCount++;
            }
            reopenWriter = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthError.TemporarilyUnavailable("The server is shutting down.", 1, e);
        } catch (SQLException e) {
            throw storageFault(e); // reopenWriter stays set: the next write starts over
        }
    }

    /** Runs {@code work} on a reader connection; it sees the last committed state. */
    public <T> T read(Work<T> work) {
        if (writeLock.isHeldByCurrentThread()) return runUnchecked(work, writer); // see our own writes
        ensureOpen();
        checkIdentity(false);
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
            throw storageFault(e);
        } finally {
            readers.add(c);
        }
    }

    private <T> T runUnchecked(Work<T> work, Connection c) {
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw storageFault(e);
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
            if (closed || identityLost != null || seen == checkpointedAt) return;
            try (Statement s = checkpointer.createStatement(); ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                // (busy, frames in the WAL, frames copied): a reader on an old snapshot may hold
                // some back, and then the next call tries again even with no new commits.
                if (r.next() && r.getInt(2) == r.getInt(3)) checkpointedAt = seen;
            } catch (SQLException e) {
                // a storage fault: the next write meets it too, answers 503 and logs it
            }
        }
    }

    /** True when the database answers a query. */
    public boolean healthy() {
        try {
            return read(c -> {
                try (Statement s = c.createStatement()) { return s.executeQuery("SELECT 1").next(); }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void rollbackQuietly() {
        try (Statement s = writer.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite may already have rolled back (e.g. on SQLITE_FULL); nothing else to do
        }
    }

    private void ensureOpen() {
        if (closed) throw new AuthError.TemporarilyUnavailable("The server is shutting down.", 1, null);
    }

    /**
     * Compares the file's identity with the one at open, at most once a second unless
     * {@code now}. Gone or replaced: 503 from here on, with one log line.
     */
    private void checkIdentity(boolean now) {
        if (identityLost == null && (now || System.nanoTime() - identityCheckedAt >= IDENTITY_CHECK_NANOS)) {
            identityCheckedAt = System.nanoTime();
            String lost = null;
            try {
                Object key = fileKey(file);
                if (!identity.equals(key)) lost = "was replaced by another file";
            } catch (NoSuchFileException e) {
                lost = "was deleted";
            } catch (IOException e) {
                lost = null; // cannot tell (e.g. a permission change on the folder): let SQLite decide
            }
            if (lost != null) {
                identityLost = lost;
                log.error("the database file {} {} while the server had it open; refusing every request that "
                    + "needs it (never creating a new one): restore the file and restart agent-auth", file, lost);
            }
        }
        if (identityLost != null)
            throw new AuthError.TemporarilyUnavailable("Storage is temporarily unavailable; try again shortly.", 30, null);
    }

    private static Object fileKey(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        // Without inodes (some filesystems), the creation time stands in for the identity.
        return a.fileKey() != null ? a.fileKey() : a.creationTime();
    }

    private static boolean isStorageFault(SQLException e) {
        return faultReason(e) != null;
    }

    private static String faultReason(SQLException e) {
        return switch (e.getErrorCode() & 0xFF) {
            case 3, 8 -> "the database file is read-only";
            case 13 -> "the disk is full";
            case 10 -> "an I/O error on the database file";
            case 14 -> "the database file cannot be opened";
            case 5, 6 -> "the database is locked by another process";
            case 11, 26 -> "the database file is damaged or was replaced";
            default -> null;
        };
    }

    /** Storage faults the server recovers from become 503; anything else is a bug (500). */
    RuntimeException storageFault(SQLException e) {
        String why = faultReason(e);
        if (why == null) return new IllegalStateException("database error: " + e.getMessage(), e);
        if (!why.equals(fault)) { // one line per fault, not one per request while it lasts
            fault = why;
            log.warn("storage unavailable: {} ({}); answering 503 until it clears", why, e.getMessage());
        }
        return new AuthError.TemporarilyUnavailable("Storage is temporarily unavailable; try again shortly.", 5, e);
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) return;
            closed = true;
            try {
                checkIdentity(true);
            } catch (AuthError e) {
                // lost: handled below
            }
            if (identityLost != null) {
                // SQLite would checkpoint and then delete "<db>-wal" and "<db>-shm" by name: files
                // that may belong to whatever is at that path now. The process is ending anyway.
                log.warn("the database file {} {}: leaving its connections unclosed", file, identityLost);
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
            unlockAndHandOver();
        }
    }

    private static void closeQuietly(Connection c) {
        try { c.close(); } catch (SQLException e) { /* closing anyway */ }
    }
}
