package agentauth.throttle;

import agentauth.error.AuthError;
import agentauth.metrics.Events;
import agentauth.store.AuditLog;
import agentauth.crypto.HmacSha256;
import agentauth.store.ThrottleStore;
import agentauth.throttle.Counters.Block;
import agentauth.throttle.Counters.Rule;
import agentauth.throttle.Counters.State;
import agentauth.throttle.Keys.Key;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contract's throttling: failed secret checks counted per name and address, per name from
 * all addresses, and per address (failures and different failing names). Keys are keyed hashes
 * of the lower-cased name, looked up without asking whether the user exists, so a 429 says
 * nothing about existence. A name that succeeded from an address in the last 24 hours is held
 * back there only by its own name-and-address counter.
 *
 * <p>The name-keyed counters and the successes live in the database, shared by every instance
 * (contract A: five failures split across two instances throttle as on one, and a CLI or API
 * unthrottle on one reaches all); the per-address counters live in this process's memory, in a
 * table of fixed size (per instance: N instances allow N times the per-address rate).
 */
public final class FailureThrottle implements Throttle {
    private static final Logger log = LoggerFactory.getLogger(FailureThrottle.class);
    static final long EXEMPTION_MS = Duration.ofHours(24).toMillis();
    private static final int PAIR_BUCKETS = 16_384, NAME_BUCKETS = 16_384, ADDRESS_BUCKETS = 2_048, SUCCESS_BUCKETS = 16_384;

    private static final byte PAIRS = 1, NAMES = 2;

    private final Keys keys;
    private final Counters pairs, names, addresses;
    private final Successes successes;
    private final AuditLog audit;
    private final Clock clock;
    private final Events events;

    private FailureThrottle(Keys keys, Counters pairs, Counters names, Counters addresses, Successes successes, AuditLog audit,
                            Clock clock, Events events) {
        this.events = events;
        this.keys = keys;
        this.pairs = pairs;
        this.names = names;
        this.addresses = addresses;
        this.successes = successes;
        this.audit = audit;
        this.clock = clock;
    }

    /** The server's throttle: names keyed under {@code nameKey} (from the master key), counted in the database. */
    public static FailureThrottle shared(Throttling t, ThrottleStore store, byte[] nameKey, AuditLog audit, Clock clock) {
        return shared(t, store, nameKey, audit, clock, Events.NONE);
    }

    /** As {@link #shared}, telling {@code events} of every attempt held back, with the counter that held it. */
    public static FailureThrottle shared(Throttling t, ThrottleStore store, byte[] nameKey, AuditLog audit, Clock clock,
                                         Events events) {
        return new FailureThrottle(new Keys(HmacSha256.of(nameKey)), new SharedCounters(store, pairRule(t), PAIRS),
            new SharedCounters(store, nameRule(t), NAMES), new CounterTable(ADDRESS_BUCKETS, addressRule(t)),
            new SharedSuccesses(store), audit, clock, events);
    }

    /** Everything in this process's memory, under a key made here: one process's view (tests of the tables). */
    public static FailureThrottle inMemory(Throttling t, AuditLog audit, Clock clock) {
        return new FailureThrottle(new Keys(HmacSha256.ephemeral()), new CounterTable(PAIR_BUCKETS, pairRule(t)),
            new CounterTable(NAME_BUCKETS, nameRule(t)), new CounterTable(ADDRESS_BUCKETS, addressRule(t)),
            new SuccessTable(SUCCESS_BUCKETS), audit, clock, Events.NONE);
    }

    /** A shared setting changed: the thresholds and delays from now on. */
    public void rules(Throttling t) {
        pairs.rule(pairRule(t));
        names.rule(nameRule(t));
        addresses.rule(addressRule(t));
    }

    private static Rule pairRule(Throttling t) {
        return new Rule(t.nameAddressFailures(), 0, t.window().toMillis(), t.delay().toMillis(), maxDelay(t));
    }

    private static Rule nameRule(Throttling t) {
        return new Rule(t.nameFailures(), 0, t.window().toMillis(), t.delay().toMillis(), maxDelay(t));
    }

    private static Rule addressRule(Throttling t) {
        return new Rule(t.addressFailures(), t.addressNames(), t.addressWindow().toMillis(), t.delay().toMillis(), maxDelay(t));
    }

    private static long maxDelay(Throttling t) {
        return Math.max(t.delay().toMillis(), t.maxDelay().toMillis());
    }

    private record Gate(Counters table, Key key, String why, String counter) {}

    /**
     * Reads each counter once (peek), and writes only where a passed delay lets this attempt
     * through: on PostgreSQL an open gate costs one read, not a locked write.
     */
    @Override
    public Attempt check(String name, String address) {
        long now = clock.millis();
        Key pair = keys.pair(name, address);
        long lastSuccess = successes.last(pair, now);
        boolean exempt = now - lastSuccess < EXEMPTION_MS;
        List<Gate> gates = new ArrayList<>(3);
        gates.add(new Gate(pairs, pair, "too many failures for this name from this address", "name_address"));
        if (!exempt) {
            gates.add(new Gate(names, keys.name(name), "too many failures for this name from all addresses", "name"));
            gates.add(new Gate(addresses, keys.address(address), "too many failures or failing names from this address", "address"));
        }
        long retryMs = 0;
        String by = null; // the counter with the longest wait: the one the metrics name
        boolean pairCounted = false;
        List<Gate> released = new ArrayList<>(0);
        for (Gate g : gates) {
            State state = g.table().peek(g.key(), now);
            if (g.table() == pairs) pairCounted = state != State.EMPTY;
            if (state == State.RELEASED) released.add(g);
            if (state != State.BLOCKED) continue;
            long ms = block(g, name, address, now);
            if (ms > retryMs) { retryMs = ms; by = g.counter(); }
        }
        // Nothing blocks: a key whose delay has passed lets this one attempt through (if no other took it).
        if (retryMs == 0) {
            for (Gate g : released) {
                if (g.table().release(g.key(), now)) continue;
                long ms = block(g, name, address, now);
                if (ms > retryMs) { retryMs = ms; by = g.counter(); }
            }
        }
        if (retryMs > 0) {
            events.loginThrottled(by);
            throw new AuthError.TooManyRequests((retryMs + 999) / 1000);
        }
        return new Passed(this, name, address, pair, lastSuccess, exempt, pairCounted);
    }

    /** An attempt let through, with what its check read. */
    private record Passed(FailureThrottle throttle, String name, String address, Key pair, long lastSuccess, boolean exempt,
                          boolean pairCounted) implements Attempt {
        @Override
        public boolean recentlySucceeded() {
            return exempt;
        }

        @Override
        public void failed() {
            throttle.failed(name, address);
        }

        /** A success resets only this name-and-address counter (when it counted anything): failures elsewhere stay counted. */
        @Override
        public void succeeded() {
            if (pairCounted) throttle.pairs.clear(pair);
            throttle.successes.record(pair, throttle.clock.millis(), lastSuccess);
        }
    }

    private long block(Gate g, String name, String address, long now) {
        Block b = g.table().block(g.key(), now);
        if (b == null) return 0;
        // One event per key and window: enough to see an attack, too few to flood the audit table.
        if (b.first()) {
            try {
                audit.record(clock.instant(), "throttled", name, null, address, g.why());
            } catch (RuntimeException e) {
                log.warn("could not record a throttled attempt in the audit log: {}", e.getMessage());
            }
        }
        return b.delayMs();
    }

    /** Counts a failure of this name from this address (also what a {@link Attempt} that failed does). */
    public void failed(String name, String address) {
        long now = clock.millis();
        Key n = keys.name(name);
        pairs.fail(keys.pair(name, address), n.fingerprint(), 0, now);
        names.fail(n, n.fingerprint(), 0, now);
        int nameFp = (int) (n.fingerprint() ^ (n.fingerprint() >>> 32));
        addresses.fail(keys.address(address), 0, nameFp == 0 ? 1 : nameFp, now);
    }

    @Override
    public void clear(String name) {
        Key n = keys.name(name);
        names.clear(n);
        pairs.clearOwner(n.fingerprint());
    }
}
