package agentauth.throttle;

import agentauth.store.ThrottleStore;
import agentauth.throttle.Keys.Key;
import java.time.Duration;

/**
 * Successes in the database, shared by every instance. An agent logging in again and again
 * rewrites its time at most once an hour: the exemption lasts a day, so an hour's lag costs
 * nothing and spares a write per login.
 *
 * <p>This instance remembers the successes it read or wrote in the last hour: a time in the
 * database only moves forward (until the prune, a day later), so within that hour it decides the
 * exemption and the rewrite exactly as the database's would, and spares a read per login.
 */
final class SharedSuccesses implements Successes {
    private static final long REWRITE_MS = Duration.ofHours(1).toMillis();
    private static final int REMEMBERED_BUCKETS = 16_384;

    private final ThrottleStore store;
    private final SuccessTable remembered = new SuccessTable(REMEMBERED_BUCKETS);

    SharedSuccesses(ThrottleStore store) {
        this.store = store;
    }

    @Override
    public void record(Key pair, long now, long last) {
        if (now - last < REWRITE_MS) return;
        store.database().write(c -> {
            store.recordSuccess(c, SharedCounters.successKey(pair), now);
            return null;
        });
        remembered.record(pair, now, last);
    }

    @Override
    public long last(Key pair, long now) {
        long known = remembered.last(pair, now);
        if (known > 0 && now - known < REWRITE_MS) return known;
        long stored = store.successAt(SharedCounters.successKey(pair));
        if (stored > 0) remembered.record(pair, stored, known);
        return stored;
    }
}
