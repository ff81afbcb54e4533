package agentauth.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a state, never for a time: the probe runs until its answer passes, or a generous deadline. */
public final class Await {
    /** Generous: CI machines are loaded, and a state that comes late still comes. */
    public static final Duration DEADLINE = Duration.ofSeconds(60);

    private Await() {}

    /** Probes until {@code done} accepts the answer; returns it, or fails naming {@code what} and the last answer. */
    public static <T> T until(Supplier<T> probe, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) fail("not within " + DEADLINE.toSeconds() + " s: " + what + " (last: " + last + ")");
            try {
                Thread.sleep(10); // between two probes of a condition, not a wait for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            last = probe.get();
        }
        return last;
    }
}
