package agentauth.store.sqlite;

import agentauth.store.Database.Work;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit behind one write lock. SQLite allows one writer at a time, so writes are
 * serialized here by design instead of failing with SQLITE_BUSY under load; and writes that
 * queue up behind the lock commit together: whichever caller takes the lock runs every waiting
 * work in one transaction ({@link Transaction}), each in a savepoint of its own. Under load that
 * saves a BEGIN, a COMMIT and a wake-up per write (bench/). Every caller gets an answer, whatever
 * is thrown.
 */
final class GroupCommit {
    private static final int MAX_BATCH = 64;
    private static final int EXTRA_BATCHES = 4;

    /** Runs a batch in one transaction; throws when the batch failed as a whole (then it rolls back). */
    interface Transaction {
        void run(List<Pending<?>> batch) throws Throwable;

        void rollback();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Queue<Pending<?>> queue = new ConcurrentLinkedQueue<>(); // writes waiting for the next batch
    private final Transaction transaction;
    private Pending<?> running; // the work being run now; guarded by lock

    GroupCommit(Transaction transaction) {
        this.transaction = transaction;
    }

    boolean heldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** Takes the lock for work outside a batch (close, reopening connections); pair with {@link #unlock}. */
    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
        Pending<?> next = queue.peek(); // whoever releases the lock wakes the first waiting writer
        if (next != null) LockSupport.unpark(next.caller);
    }

    /** Queues {@code work} and returns its result once the batch that ran it committed. */
    <T> T submit(Work<T> work) {
        Pending<T> mine = new Pending<>(work);
        queue.add(mine);
        boolean interrupted = false;
        while (!mine.done) {
            if (lock.tryLock()) {
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
                    unlock();
                }
            } else {
                LockSupport.park(this); // until a batch ran this work, or the lock is free again
                interrupted |= Thread.interrupted(); // or park would return at once from now on
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        return mine.outcome();
    }

    /** Runs {@code p}'s work on {@code c} as the one now running (for {@link #afterCommit}). */
    void run(Pending<?> p, Connection c) throws SQLException {
        running = p;
        try {
            p.run(c);
        } finally {
            running = null;
        }
    }

    /** Under the lock: keeps {@code action} for after the running work's commit; else runs it now. */
    void afterCommit(Runnable action) {
        if (lock.isHeldByCurrentThread() && running != null) running.afterCommit.add(action);
        else action.run();
    }

    /** Under the lock: up to MAX_BATCH queued works in one transaction, then completes each. */
    private boolean commitBatch() {
        List<Pending<?>> batch = new ArrayList<>();
        for (Pending<?> p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) batch.add(p);
        boolean committed = false;
        Throwable batchFailure = null;
        try {
            transaction.run(batch);
            committed = true;
        } catch (Throwable e) {
            batchFailure = e;
        } finally {
            if (!committed) transaction.rollback();
            for (Pending<?> p : batch) {
                if (!committed && !p.failed())
                    p.fail(batchFailure != null ? batchFailure : new IllegalStateException("the write did not commit"));
                p.complete();
            }
        }
        return committed;
    }

    /** A queued write: its work, the thread waiting for it, and what it came to. */
    static final class Pending<T> {
        private final Work<T> work;
        private final Thread caller = Thread.currentThread();
        private final List<Runnable> afterCommit = new ArrayList<>();
        private T result;
        private Throwable failure;
        private volatile boolean done; // set last: the rest is visible to the caller once it reads true

        Pending(Work<T> work) {
            this.work = work;
        }

        private void run(Connection c) throws SQLException {
            result = work.run(c);
        }

        void fail(Throwable e) {
            result = null;
            failure = e;
            afterCommit.clear(); // rolled back: what was to follow the commit never happens
        }

        boolean failed() {
            return failure != null;
        }

        Throwable failure() {
            return failure;
        }

        private void complete() {
            done = true;
            if (caller != Thread.currentThread()) LockSupport.unpark(caller); // no stray permit for our own next park
        }

        /** On the caller's thread: the committed work's follow-ups, then its result or failure. */
        private T outcome() {
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            afterCommit.forEach(Runnable::run);
            return result;
        }
    }
}
