package agentauth.cache;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe map whose entries stop counting at their own expiry, bounded in size: when it is
 * full, expired entries go first, and if it is still full it starts over. Starting over costs
 * only work the caches holding it will redo (a signature check, a hash), never correctness.
 */
final class ExpiringMap<K, V> {
    private record Entry<V>(V value, Instant until) {}

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int maxEntries;

    ExpiringMap(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The value for {@code key}, or null when unknown or expired at {@code now}. */
    V get(K key, Instant now) {
        Entry<V> e = entries.get(key);
        if (e == null) return null;
        if (!now.isBefore(e.until())) {
            entries.remove(key, e);
            return null;
        }
        return e.value();
    }

    void put(K key, V value, Instant until, Instant now) {
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> !now.isBefore(e.until()));
            if (entries.size() >= maxEntries) entries.clear();
        }
        entries.put(key, new Entry<>(value, until));
    }

    /** Removes {@code key} if it still maps to {@code value}. */
    void remove(K key, V value) {
        entries.computeIfPresent(key, (k, e) -> e.value() == value ? null : e);
    }
}
