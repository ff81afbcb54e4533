package agentauth.throttle;

import agentauth.store.Database;
import agentauth.store.ThrottleStore;
import agentauth.store.ThrottleStore.Counter;
import agentauth.throttle.Keys.Key;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Failure counters in the database, shared by every instance (contract A): five wrong secrets
 * split across two instances throttle exactly as on one. A failure is one atomic statement; a
 * 429 and a release change a counter under its row lock.
 */
final class SharedCounters implements Counters {
    private final ThrottleStore store;
    private final Database db;
    private volatile Rule rule;
    private final byte kind; // which table of keys (pairs or names) share this one: kept apart in one table

    SharedCounters(ThrottleStore store, Rule rule, byte kind) {
        this.store = store;
        this.db = store.database();
        this.rule = rule;
        this.kind = kind;
    }

    @Override
    public void rule(Rule changed) {
        this.rule = changed;
    }

    @Override
    public State peek(Key k, long now) {
        Optional<Counter> c = db.read(conn -> store.get(conn, bytes(k), false));
        if (c.isEmpty() || !live(c.get(), now)) return State.EMPTY;
        if (!held(c.get())) return State.OPEN;
        return c.get().blockedUntil() > 0 && now >= c.get().blockedUntil() ? State.RELEASED : State.BLOCKED;
    }

    @Override
    public Block block(Key k, long now) {
        return db.write(conn -> {
            Optional<Counter> found = store.get(conn, bytes(k), true);
            if (found.isEmpty() || !live(found.get(), now) || !held(found.get())) return null;
            Counter c = found.get();
            int strikes = Math.min(c.strikes() + 1, 62);
            long delay = rule.delay(strikes);
            store.put(conn, bytes(k), new Counter(c.owner(), c.failures(), c.lastFailure(), strikes, now + delay, true));
            return new Block(delay, !c.audited());
        });
    }

    @Override
    public boolean release(Key k, long now) {
        return db.write(conn -> {
            Optional<Counter> found = store.get(conn, bytes(k), true);
            if (found.isEmpty() || !live(found.get(), now) || !held(found.get())) return true;
            Counter c = found.get();
            if (c.blockedUntil() <= 0 || now < c.blockedUntil()) return false;
            store.put(conn, bytes(k), new Counter(c.owner(), c.failures(), c.lastFailure(), c.strikes(), 0, c.audited()));
            return true;
        });
    }

    @Override
    public void fail(Key k, long ownerFp, int nameFp, long now) {
        db.write(conn -> {
            store.fail(conn, bytes(k), ownerFp, now, rule.windowMs());
            return null;
        });
    }

    @Override
    public void clear(Key k) {
        db.write(conn -> {
            store.delete(conn, bytes(k));
            return null;
        });
    }

    @Override
    public void clearOwner(long ownerFp) {
        db.write(conn -> {
            store.deleteOwner(conn, ownerFp);
            return null;
        });
    }

    private boolean live(Counter c, long now) {
        return c.failures() > 0 && (now < c.lastFailure() + rule.windowMs() || now < c.blockedUntil());
    }

    private boolean held(Counter c) {
        return c.failures() >= rule.failures();
    }

    private byte[] bytes(Key k) {
        return ByteBuffer.allocate(17).put(kind).putLong(k.bucket()).putLong(k.fingerprint()).array();
    }

    /** The (name, address) successes, in the same table of keys. */
    static byte[] successKey(Key pair) {
        return ByteBuffer.allocate(16).putLong(pair.bucket()).putLong(pair.fingerprint()).array();
    }
}
