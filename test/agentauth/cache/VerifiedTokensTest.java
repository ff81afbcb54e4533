package agentauth.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.cache.VerifiedTokens;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Remembered tokens: found by the exact token until it expires, never past a bound. */
class VerifiedTokensTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    final VerifiedTokens<String> cache = new VerifiedTokens<>(100);

    @Test
    void a_token_is_found_until_it_expires() {
        cache.put(VerifiedTokens.key("a.b.c"), "claims", NOW.plusSeconds(60), NOW);
        assertEquals("claims", cache.get(VerifiedTokens.key("a.b.c"), NOW.plusSeconds(59)));
        assertNull(cache.get(VerifiedTokens.key("a.b.c"), NOW.plusSeconds(60)));
    }

    @Test
    void a_token_that_differs_in_one_character_is_unknown() {
        cache.put(VerifiedTokens.key("header.payload.signature"), "claims", NOW.plusSeconds(60), NOW);
        assertNull(cache.get(VerifiedTokens.key("header.payload.signaturf"), NOW));
        assertNull(cache.get(VerifiedTokens.key("header.payload.signature "), NOW));
    }

    @Test
    void the_table_never_holds_more_than_its_bound() {
        VerifiedTokens<String> small = new VerifiedTokens<>(2);
        for (int i = 0; i < 3; i++) small.put(VerifiedTokens.key("t" + i), "c" + i, NOW.plusSeconds(60), NOW);
        int kept = 0;
        for (int i = 0; i < 3; i++) if (small.get(VerifiedTokens.key("t" + i), NOW) != null) kept++;
        assertTrue(kept <= 2, "kept " + kept);
        assertEquals("c2", small.get(VerifiedTokens.key("t2"), NOW), "the newest entry is kept");
    }
}
