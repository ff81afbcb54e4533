package agentauth.throttle;

import agentauth.throttle.Keys.Key;

/**
 * A fixed-size table of failure counters with exponential backoff, for one kind of key.
 *
 * <p>Set-associative: a key lives in one bucket of {@link #WAYS} slots. The size never grows with
 * attacker-chosen names. When a new key needs a slot in a full bucket, the slot with the fewest
 * failures goes (ties: the oldest), never one with more failures than another: so a flood of
 * fresh names, each with one failure, cannot push out a victim's counter that stands at two or
 * more, and only ever evicts entries as small as itself. The trade-off: a victim's lone first
 * failure may be forgotten under such a flood (under-counting by one), where a count-min sketch
 * would instead over-count and lock out innocent names; we prefer never to lock out the innocent.
 *
 * <p>Backoff: see {@link Counters}.
 */
final class CounterTable implements Counters {
    static final int WAYS = 4;
    private static final int STRIPES = 64;

    private volatile Rule rule;
    private final int mask;
    private final long[] fingerprint, owner, lastFailure, blockedUntil;
    private final int[] failures, strikes, nameCount;
    private final boolean[] audited;
    private final int[][] names;
    private final Object[] locks = new Object[STRIPES];

    /** @param buckets a power of two; the table holds {@code buckets * WAYS} keys */
    CounterTable(int buckets, Rule rule) {
        if (Integer.bitCount(buckets) != 1) throw new IllegalArgumentException("buckets must be a power of two");
        int slots = buckets * WAYS;
        this.rule = rule;
        this.mask = buckets - 1;
        this.fingerprint = new long[slots];
        this.owner = new long[slots];
        this.lastFailure = new long[slots];
        this.blockedUntil = new long[slots];
        this.failures = new int[slots];
        this.strikes = new int[slots];
        this.nameCount = new int[slots];
        this.audited = new boolean[slots];
        this.names = rule.names() > 0 ? new int[slots][] : null;
        for (int i = 0; i < STRIPES; i++) locks[i] = new Object();
    }

    @Override
    public void rule(Rule changed) {
        if (changed.names() > 0 && names == null) throw new IllegalArgumentException("this table counts no names");
        this.rule = changed;
    }

    @Override
    public State peek(Key k, long now) {
        synchronized (lock(k)) {
            int i = find(k);
            if (i < 0 || !live(i, now)) return State.EMPTY;
            if (!held(i)) return State.OPEN;
            return blockedUntil[i] > 0 && now >= blockedUntil[i] ? State.RELEASED : State.BLOCKED;
        }
    }

    @Override
    public Block block(Key k, long now) {
        synchronized (lock(k)) {
            int i = find(k);
            if (i < 0 || !live(i, now) || !held(i)) return null;
            strikes[i] = Math.min(strikes[i] + 1, 62);
            long delay = rule.delay(strikes[i]);
            blockedUntil[i] = now + delay;
            boolean first = !audited[i];
            audited[i] = true;
            return new Block(delay, first);
        }
    }

    @Override
    public boolean release(Key k, long now) {
        synchronized (lock(k)) {
            int i = find(k);
            if (i < 0 || !live(i, now) || !held(i)) return true;
            if (blockedUntil[i] <= 0 || now < blockedUntil[i]) return false;
            blockedUntil[i] = 0; // the next attempt is blocked again unless this one succeeds
            return true;
        }
    }

    @Override
    public void fail(Key k, long ownerFp, int nameFp, long now) {
        synchronized (lock(k)) {
            int i = find(k);
            if (i >= 0 && !live(i, now)) reset(i);
            if (i < 0) {
                i = victim(k, now);
                reset(i);
                fingerprint[i] = k.fingerprint();
            }
            owner[i] = ownerFp;
            if (failures[i] < Integer.MAX_VALUE) failures[i]++;
            lastFailure[i] = now;
            if (names != null && nameCount[i] < rule.names()) addName(i, nameFp);
        }
    }

    @Override
    public void clear(Key k) {
        synchronized (lock(k)) {
            int i = find(k);
            if (i >= 0) { reset(i); fingerprint[i] = 0; }
        }
    }

    @Override
    public void clearOwner(long ownerFp) {
        for (int b = 0; b <= mask; b++) {
            synchronized (locks[b & (STRIPES - 1)]) {
                for (int i = b * WAYS; i < (b + 1) * WAYS; i++)
                    if (fingerprint[i] != 0 && owner[i] == ownerFp) { reset(i); fingerprint[i] = 0; }
            }
        }
    }

    private void addName(int i, int nameFp) {
        int[] set = names[i];
        if (set == null) set = names[i] = new int[rule.names()];
        for (int j = 0; j < nameCount[i]; j++) if (set[j] == nameFp) return;
        set[nameCount[i]++] = nameFp;
    }

    private boolean live(int i, long now) {
        return failures[i] > 0 && (now < lastFailure[i] + rule.windowMs() || now < blockedUntil[i]);
    }

    private boolean held(int i) {
        return failures[i] >= rule.failures() || (names != null && nameCount[i] >= rule.names());
    }

    private int find(Key k) {
        int base = bucket(k);
        for (int i = base; i < base + WAYS; i++) if (fingerprint[i] == k.fingerprint()) return i;
        return -1;
    }

    /** The slot a new key takes: an empty or dead one, else the one with the fewest failures, then the oldest. */
    private int victim(Key k, long now) {
        int base = bucket(k), best = base;
        for (int i = base; i < base + WAYS; i++) {
            if (fingerprint[i] == 0 || !live(i, now)) return i;
            if (failures[i] < failures[best] || (failures[i] == failures[best] && lastFailure[i] < lastFailure[best]))
                best = i;
        }
        return best;
    }

    private void reset(int i) {
        owner[i] = 0;
        failures[i] = 0;
        strikes[i] = 0;
        lastFailure[i] = 0;
        blockedUntil[i] = 0;
        nameCount[i] = 0;
        audited[i] = false;
    }

    private int bucket(Key k) {
        return (int) (k.bucket() & mask) * WAYS;
    }

    private Object lock(Key k) {
        return locks[(int) (k.bucket() & mask) & (STRIPES - 1)];
    }
}
