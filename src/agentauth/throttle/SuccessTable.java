package agentauth.throttle;

import agentauth.throttle.Keys.Key;

/**
 * When each (name, address) last succeeded, in a fixed-size table: the exemption that keeps a
 * working agent from being locked out by failures elsewhere. Only a real success writes here,
 * so filling it takes valid secrets; a full bucket forgets its oldest success first.
 */
final class SuccessTable implements Successes {
    private static final int WAYS = 4;

    private final int mask;
    private final long[] fingerprint, time;

    SuccessTable(int buckets) {
        if (Integer.bitCount(buckets) != 1) throw new IllegalArgumentException("buckets must be a power of two");
        this.mask = buckets - 1;
        this.fingerprint = new long[buckets * WAYS];
        this.time = new long[buckets * WAYS];
    }

    @Override
    public synchronized void record(Key k, long now, long last) {
        int base = (int) (k.bucket() & mask) * WAYS, slot = base;
        for (int i = base; i < base + WAYS; i++) {
            if (fingerprint[i] == k.fingerprint()) { slot = i; break; }
            if (time[i] < time[slot]) slot = i;
        }
        fingerprint[slot] = k.fingerprint();
        time[slot] = now;
    }

    @Override
    public synchronized long last(Key k, long now) {
        int base = (int) (k.bucket() & mask) * WAYS;
        for (int i = base; i < base + WAYS; i++)
            if (fingerprint[i] == k.fingerprint()) return time[i];
        return 0;
    }
}
