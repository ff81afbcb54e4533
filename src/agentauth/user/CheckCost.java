package agentauth.user;

import java.util.Arrays;

/**
 * What a secret check with the strongest Argon2 parameters in use costs: the configured ones, or
 * any stored hash's met since start. The dummy for unknown names is made with them, and a failed
 * check against a weaker hash waits out the difference, so a failure's timing tells nothing
 * about which user (or whether one) was checked.
 *
 * <p>The cost is measured, not estimated: the median hashing time of the last checks made with
 * the strongest parameters (the dummy's making included), timed on the hashing threads only, so
 * that queueing in front of the hasher counts the same on both sides. It follows the machine's
 * load; a median, because one slow outlier (the first hash after start took several times the
 * usual) must not make every failure slower than an unknown name. Thread-safe.
 */
final class CheckCost {
    private static final int SAMPLES = 15;
    private HashParameters strongest;
    private final long[] recent = new long[SAMPLES]; // ring of the last measurements with them
    private int count, next;

    CheckCost(HashParameters configured) {
        this.strongest = configured;
    }

    synchronized HashParameters strongest() {
        return strongest;
    }

    /** Takes note of parameters met in a stored hash; true when they are the strongest so far. */
    synchronized boolean notice(HashParameters stored) {
        if (stored == null || !stored.strongerThan(strongest)) return false;
        strongest = stored;
        count = 0;
        next = 0;
        return true;
    }

    /** Records the hashing time of one hash or check made with {@code used}. */
    synchronized void measured(HashParameters used, long nanos) {
        if (!strongest.equals(used)) return;
        recent[next] = nanos;
        next = (next + 1) % SAMPLES;
        count = Math.min(count + 1, SAMPLES);
    }

    /** The median of the recent measurements with the strongest parameters; 0 before the first. */
    synchronized long strongestNanos() {
        if (count == 0) return 0;
        long[] sorted = Arrays.copyOf(recent, count);
        Arrays.sort(sorted);
        return sorted[(count - 1) / 2]; // the lower median: with two, the smaller
    }

    /** How much longer a failed check made with {@code used}, which hashed for {@code nanos}, must take. */
    synchronized long topUpNanos(HashParameters used, long nanos) {
        if (strongest.equals(used)) return 0;
        return Math.max(0, strongestNanos() - nanos);
    }
}
