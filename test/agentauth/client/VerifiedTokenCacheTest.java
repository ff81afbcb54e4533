package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.client.VerifiedTokenCache.Digest;
import agentauth.client.VerifiedTokenCache.Entry;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {
    private static Digest digest(int i) {
        return new Digest(i, i * 31L, i * 17L, 7);
    }

    @Test
    void the_cache_stays_bounded_and_keeps_entries_still_in_use() {
        VerifiedTokenCache cache = new VerifiedTokenCache(100);
        Entry entry = new Entry(null, "kid", null, 0, 0, 0, java.util.List.of());
        cache.put(digest(-1), entry);
        for (int i = 0; i < 10_000; i++) {
            cache.put(digest(i), entry);
            assertNotNull(cache.get(digest(-1)), "an entry read all the time survives every turnover");
            assertTrue(cache.size() <= 100, "size " + cache.size());
        }
        assertNull(cache.get(digest(0)), "old entries are dropped");
        assertNotNull(cache.get(digest(9_999)));
    }

    @Test
    void a_size_of_zero_turns_the_cache_off() {
        VerifiedTokenCache cache = new VerifiedTokenCache(0);
        cache.put(digest(1), new Entry(null, "kid", null, 0, 0, 0, java.util.List.of()));
        assertNull(cache.get(digest(1)));
    }
}
