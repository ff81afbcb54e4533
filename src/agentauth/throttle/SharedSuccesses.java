package agentauth.throttle;

import agentauth.store.ThrottleStore;
import agentauth.throttle.Keys.Key;
import java.time.Duration;

/**
 * Successes in the database, shared by every instance. An agent logging in again and again
 * rewrites its time at most once an hour: the exemption lasts a day, so an hour's lag costs
 * nothing and spares a write per login.
 */
final class SharedSuccesses implements Successes {
    private static final long REWRITE_MS = Duration.ofHours(1).toMillis();

    private final ThrottleStore store;

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
    }

    @Override
    public long last(Key pair) {
        return store.successAt(SharedCounters.successKey(pair));
    }
}
