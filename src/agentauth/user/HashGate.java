package agentauth.user;

import agentauth.error.AuthError;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Bounds Argon2 work: at most {@code slots} hashes run at once (each holds its m KiB) and at most
 * {@code queue} wait; beyond that 503. Callers that recently succeeded from the same address get
 * a lane of their own and the next free slot, so a login flood from elsewhere fills the queue
 * but cannot starve the agents that hold a working secret.
 */
final class HashGate {
    private final int slots;
    private final int queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private int running, waiting, waitingPriority;

    HashGate(int slots, int queue) {
        this.slots = slots;
        this.queue = queue;
    }

    <T> T run(boolean priority, Supplier<T> work) {
        enter(priority);
        try {
            return work.get();
        } finally {
            lock.lock();
            try {
                running--;
                freed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Callers waiting for a slot (for tests and metrics). */
    int queued() {
        lock.lock();
        try {
            return waiting + waitingPriority;
        } finally {
            lock.unlock();
        }
    }

    private void enter(boolean priority) {
        lock.lock();
        try {
            boolean full = priority ? waitingPriority >= slots + queue : running + waiting + waitingPriority >= slots + queue;
            if (full) throw new AuthError.TemporarilyUnavailable("The server is busy checking secrets; retry shortly.", 1, null);
            if (priority) waitingPriority++;
            else waiting++;
            try {
                while (running >= slots || (!priority && waitingPriority > 0)) freed.awaitUninterruptibly();
            } finally {
                if (priority) waitingPriority--;
                else waiting--;
            }
            running++;
        } finally {
            lock.unlock();
        }
    }
}
