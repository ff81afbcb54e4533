package agentauth.throttle;

import agentauth.throttle.Keys.Key;

/**
 * Failure counters with exponential backoff, for one kind of key. Once a key holds back
 * ({@link Rule}), each attempt answers 429 with a delay that starts at {@code delay} and doubles
 * per attempt up to {@code maxDelay}; when the delay has passed, one attempt goes through to the
 * secret check. A key is forgotten once its window has passed since its last failure and no
 * delay is pending. In memory ({@link CounterTable}) or in the database, shared by every
 * instance ({@link SharedCounters}).
 */
interface Counters {
    /** Holds back after {@code failures} failures or {@code names} different failing names (0: not counted). */
    record Rule(int failures, int names, long windowMs, long delayMs, long maxDelayMs) {
        /** The delay of the {@code strikes}-th 429 in a row: doubling from delay, at most maxDelay. */
        long delay(int strikes) {
            long d = delayMs << Math.min(strikes - 1, 40);
            return d <= 0 || d > maxDelayMs ? maxDelayMs : d;
        }
    }

    /** EMPTY: nothing counted (a success has nothing to reset); OPEN: counting, not holding back. */
    enum State { EMPTY, OPEN, RELEASED, BLOCKED }

    /** A 429 just given: its delay, and whether it is the first of this key's window (to audit). */
    record Block(long delayMs, boolean first) {}

    /** A shared setting changed: the rule from now on (counts so far stay). */
    void rule(Rule changed);

    State peek(Key k, long now);

    /** Answers one attempt with 429: the delay doubles per attempt. Null when the key does not hold back. */
    Block block(Key k, long now);

    /** Lets the one attempt through that a passed delay allows; false when another took it. */
    boolean release(Key k, long now);

    /** Counts a failure; {@code ownerFp} tags the entry for {@link #clearOwner}, {@code nameFp} counts distinct names. */
    void fail(Key k, long ownerFp, int nameFp, long now);

    void clear(Key k);

    /** Clears every entry tagged with {@code ownerFp}: one name's entries at all addresses. */
    void clearOwner(long ownerFp);
}
