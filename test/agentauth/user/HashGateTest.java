package agentauth.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.error.AuthError;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HashGateTest {
    /** A safety net, never the condition: on a loaded machine a thread may start or run late. */
    static final long WAIT_SECONDS = 60;

    /** Starts a thread that runs {@code name} through the gate, recording the order of entry. */
    static Thread runner(HashGate gate, boolean priority, String name, List<String> order, CountDownLatch hold) {
        Thread t = new Thread(() -> gate.run(priority, () -> {
            order.add(name);
            try {
                hold.await(WAIT_SECONDS, TimeUnit.SECONDS); // the test releases it; the bound only frees a failed test's threads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        t.start();
        return t;
    }

    /** Waits for a state; fails rather than let the test go on before it (the order would then be luck). */
    static void waitUntil(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + WAIT_SECONDS + " s");
            Thread.sleep(5);
        }
    }

    @Test
    void a_caller_that_recently_succeeded_is_admitted_past_a_full_queue_and_runs_next() throws Exception {
        HashGate gate = new HashGate(1, 2);
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch hold = new CountDownLatch(1);
        Thread busy = runner(gate, false, "flood-1", order, hold);
        waitUntil(() -> order.size() == 1);
        Thread q1 = runner(gate, false, "flood-2", order, hold);
        Thread q2 = runner(gate, false, "flood-3", order, hold);
        waitUntil(() -> gate.queued() == 2);
        assertThrows(AuthError.class, () -> gate.run(false, () -> null), "the flood's queue is full: 503");
        Thread agent = runner(gate, true, "agent", order, hold);
        waitUntil(() -> gate.queued() == 3);
        hold.countDown();
        for (Thread t : List.of(busy, q1, q2, agent)) t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertEquals(List.of("flood-1", "agent"), order.subList(0, 2), "the agent took the next free slot");
        assertEquals(4, order.size());
    }

    @Test
    void beyond_slots_and_queue_callers_get_503_with_retry_after() {
        HashGate gate = new HashGate(1, 0);
        CountDownLatch inside = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread t = new Thread(() -> gate.run(false, () -> {
            inside.countDown();
            try { release.await(WAIT_SECONDS, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            return null;
        }));
        t.start();
        try {
            assertTrue(inside.await(WAIT_SECONDS, TimeUnit.SECONDS)); // the slot is taken before the call that must find it so
            AuthError e = assertThrows(AuthError.class, () -> gate.run(false, () -> null));
            assertEquals(503, e.status());
            assertEquals(1, e.retryAfterSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release.countDown();
        }
    }
}
