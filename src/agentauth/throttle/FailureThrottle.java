package agentauth.throttle;

import agentauth.Config;
import agentauth.error.AuthError;
import agentauth.metrics.Events;
import agentauth.store.AuditLog;
import agentauth.throttle.CounterTable.Block;
import agentauth.throttle.CounterTable.Rule;
import agentauth.throttle.CounterTable.State;
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
 * back there only by its own name-and-address counter. Memory is fixed at startup.
 */
public final class FailureThrottle implements Throttle {
    private static final Logger log = LoggerFactory.getLogger(FailureThrottle.class);
    static final long EXEMPTION_MS = Duration.ofHours(24).toMillis();
    private static final int PAIR_BUCKETS = 16_384, NAME_BUCKETS = 16_384, ADDRESS_BUCKETS = 2_048, SUCCESS_BUCKETS = 16_384;

    private final Keys keys = new Keys();
    private final CounterTable pairs, names, addresses;
    private final SuccessTable successes = new SuccessTable(SUCCESS_BUCKETS);
    private final AuditLog audit;
    private final Clock clock;
    private final Events events;

    public FailureThrottle(Config.Throttling t, AuditLog audit, Clock clock) {
        this(t, audit, clock, Events.NONE);
    }

    /** @param events told of every attempt held back, with the counter that held it */
    public FailureThrottle(Config.Throttling t, AuditLog audit, Clock clock, Events events) {
        this.events = events;
        long delay = t.delay().toMillis(), max = Math.max(delay, t.maxDelay().toMillis());
        this.pairs = new CounterTable(PAIR_BUCKETS, new Rule(t.nameAddressFailures(), 0, t.window().toMillis(), delay, max));
        this.names = new CounterTable(NAME_BUCKETS, new Rule(t.nameFailures(), 0, t.window().toMillis(), delay, max));
        this.addresses = new CounterTable(ADDRESS_BUCKETS,
            new Rule(t.addressFailures(), t.addressNames(), t.addressWindow().toMillis(), delay, max));
        this.audit = audit;
        this.clock = clock;
    }

    private record Gate(CounterTable table, Key key, String why, String counter) {}

    @Override
    public void check(String name, String address) {
        long now = clock.millis();
        Key pair = keys.pair(name, address);
        List<Gate> gates = new ArrayList<>(3);
        gates.add(new Gate(pairs, pair, "too many failures for this name from this address", "name_address"));
        if (!successes.recent(pair, now, EXEMPTION_MS)) {
            gates.add(new Gate(names, keys.name(name), "too many failures for this name from all addresses", "name"));
            gates.add(new Gate(addresses, keys.address(address), "too many failures or failing names from this address", "address"));
        }
        long retryMs = 0;
        String by = null; // the counter with the longest wait: the one the metrics name
        for (Gate g : gates) {
            if (g.table().peek(g.key(), now) != State.BLOCKED) continue;
            long ms = block(g, name, address, now);
            if (ms > retryMs) { retryMs = ms; by = g.counter(); }
        }
        // Nothing blocks: a key whose delay has passed lets this one attempt through.
        if (retryMs == 0) {
            for (Gate g : gates) {
                if (g.table().release(g.key(), now)) continue;
                long ms = block(g, name, address, now);
                if (ms > retryMs) { retryMs = ms; by = g.counter(); }
            }
        }
        if (retryMs > 0) {
            events.loginThrottled(by);
            throw new AuthError.TooManyRequests((retryMs + 999) / 1000);
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

    @Override
    public void failed(String name, String address) {
        long now = clock.millis();
        Key n = keys.name(name);
        pairs.fail(keys.pair(name, address), n.fingerprint(), 0, now);
        names.fail(n, n.fingerprint(), 0, now);
        int nameFp = (int) (n.fingerprint() ^ (n.fingerprint() >>> 32));
        addresses.fail(keys.address(address), 0, nameFp == 0 ? 1 : nameFp, now);
    }

    /** A success resets only this name-and-address counter: failures elsewhere stay counted. */
    @Override
    public void succeeded(String name, String address) {
        Key pair = keys.pair(name, address);
        pairs.clear(pair);
        successes.record(pair, clock.millis());
    }

    @Override
    public boolean recentlySucceeded(String name, String address) {
        return successes.recent(keys.pair(name, address), clock.millis(), EXEMPTION_MS);
    }

    @Override
    public void clear(String name) {
        Key n = keys.name(name);
        names.clear(n);
        pairs.clearOwner(n.fingerprint());
    }
}
