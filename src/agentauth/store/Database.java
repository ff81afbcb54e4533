package agentauth.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The storage boundary: transactions over JDBC connections. Stores and services hold this
 * interface; {@code store.sqlite} (one file, writes serialized in-process) and
 * {@code store.postgres} (a shared server, several instances) implement it.
 *
 * <p>A write is one transaction that commits before {@link #write} returns, or throws and leaves
 * nothing behind. A write inside a write (same thread) joins the outer transaction, and a read
 * inside a write sees it. Storage faults the server recovers from by itself surface as
 * {@code AuthError.TemporarilyUnavailable} (503); anything else is a bug (500).
 */
public interface Database extends AutoCloseable {
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in a write transaction and returns its result once committed. */
    <T> T write(Work<T> work);

    /** Runs {@code work} on a connection that sees the last committed state (or the caller's own write). */
    <T> T read(Work<T> work);

    /**
     * Runs {@code action} once the current write has committed, on the writing caller's thread,
     * and never if it rolls back; outside a write, at once. For state kept in memory beside the
     * database, which must never hold what the database does not.
     */
    void afterCommit(Runnable action);

    /**
     * Inside a write: waits until no other instance on this database holds {@code name}, and
     * holds it until this transaction ends (first start, migrations). SQLite needs no such lock:
     * its writes are serialized whole, across processes too.
     */
    void lockAcrossInstances(Connection c, String name) throws SQLException;

    /** Inside a write: takes {@code name} like {@link #lockAcrossInstances} if it is free; false when another instance holds it. */
    boolean tryLockAcrossInstances(Connection c, String name) throws SQLException;

    Dialect dialect();

    /**
     * Whether other instances may use this database at the same time (PostgreSQL). A SQLite file
     * has one server, so what this process did is all that happened.
     */
    boolean sharedByInstances();

    /** True when the database answers a query now. */
    default boolean healthy() {
        try {
            return read(c -> {
                try (java.sql.Statement s = c.createStatement()) { return s.executeQuery("SELECT 1").next(); }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Where the data lives, for log lines and messages: never a password. */
    String describe();

    @Override
    void close();
}
