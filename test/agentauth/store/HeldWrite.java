package agentauth.store;

import agentauth.support.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A write transaction on one instance that stops half-way, holding the locks it took, until the
 * test commits or rolls it back: the way to put a second instance's transaction exactly in the
 * window between another's statement and its commit, without guessing at timing.
 */
final class HeldWrite<T> {
    private static final long DEADLINE_MS = 60_000; // generous: the machine is loaded and shared

    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean rollBack;
    private volatile T held; // what the work returned, before its commit
    private final Future<T> outcome;

    /** Thrown inside the held transaction to roll it back. */
    static final class RolledBack extends RuntimeException {
        RolledBack() {
            super("rolled back by the test");
        }
    }

    /** Starts {@code work} on {@code db} in {@code pool} and returns once it ran, its transaction still open. */
    HeldWrite(ExecutorService pool, Database db, Database.Work<T> work) {
        outcome = pool.submit(() -> db.write(c -> {
            T result = work.run(c);
            held = result;
            reached.countDown();
            awaitRelease();
            if (rollBack) throw new RolledBack();
            return result;
        }));
        try {
            while (!reached.await(50, TimeUnit.MILLISECONDS)) if (outcome.isDone()) outcome.get(); // its failure, if any
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("the held write failed before it was held", e);
        }
    }

    private void awaitRelease() {
        try {
            if (!release.await(DEADLINE_MS, TimeUnit.MILLISECONDS)) throw new IllegalStateException("never released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while held", e);
        }
    }

    /** What the work returned, while its transaction is still open. */
    T heldResult() {
        return held;
    }

    T commit() throws Exception {
        release.countDown();
        return outcome.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    void rollBack() throws Exception {
        rollBack = true;
        release.countDown();
        try {
            outcome.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("the held write committed");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RolledBack)) throw e;
        }
    }

    /**
     * Sets a generous lock timeout for the rest of the caller's transaction: the instances' 2 s
     * would fail a waiting statement on a loaded machine, which is not what these tests are about.
     */
    static void patient(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + DEADLINE_MS + "ms'");
        }
    }

    /**
     * Waits until the instance {@code instanceId} (its application_name) waits for a lock, or until
     * {@code other} finished without waiting (then a lock that should have held it did not).
     */
    static void awaitLockWait(Postgres.Database pg, String instanceId, Future<?> other) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        try (Connection c = pg.connect(); PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity "
            + "WHERE application_name = ? AND wait_event_type = 'Lock'")) {
            s.setString(1, "agent-auth " + instanceId);
            while (!other.isDone()) {
                try (ResultSet r = s.executeQuery()) {
                    if (r.next() && r.getInt(1) > 0) return;
                }
                if (System.nanoTime() > deadline) throw new TimeoutException(instanceId + " neither waited for a lock nor finished");
                Thread.sleep(10); // polling for a state, not waiting for one to settle
            }
        }
    }
}
