package agentauth.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The work a failed check does, checked without a stopwatch: the dummy is made with the
 * strongest parameters in use, and a failure against a weaker hash is owed the difference.
 * (FailureTimingTest measures the same end to end, over HTTP.)
 */
class CheckCostTest {
    static final HashParameters WEAK = new HashParameters(1024, 1, 1), STRONG = new HashParameters(8192, 2, 1);
    static PasswordHasher strongHasher;
    static String strongHash, weakHash;

    @BeforeAll
    static void hashes() {
        strongHasher = hasher(STRONG);
        strongHash = strongHasher.hash(utf8("a stored secret 1"));
        try (PasswordHasher weak = hasher(WEAK)) {
            weakHash = weak.hash(utf8("a stored secret 1"));
        }
    }

    @AfterAll
    static void close() {
        strongHasher.close();
    }

    static PasswordHasher hasher(HashParameters p) {
        return new PasswordHasher(new Hashing(p.memoryKib(), p.iterations(), p.parallelism(), 2, 8));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void the_dummy_uses_the_configured_parameters_when_no_stored_hash_is_stronger() {
        try (PasswordHasher h = hasher(STRONG)) {
            h.notice(weakHash);
            assertEquals(STRONG, HashParameters.of(h.dummyHash()));
        }
    }

    @Test
    void a_stronger_stored_hash_noticed_at_start_makes_the_dummy_as_strong() {
        try (PasswordHasher h = hasher(WEAK)) {
            assertEquals(WEAK, HashParameters.of(h.dummyHash()));
            h.notice(strongHash);
            assertEquals(STRONG, HashParameters.of(h.dummyHash()));
        }
    }

    @Test
    void a_check_that_meets_a_stronger_hash_makes_the_dummy_as_strong_from_then_on() {
        try (PasswordHasher h = hasher(WEAK)) {
            h.dummyHash();
            assertFalse(h.check(strongHash, utf8("not the secret"), false).matches());
            assertEquals(STRONG, HashParameters.of(h.dummyHash()));
        }
    }

    @Test
    void a_failure_against_a_weaker_hash_is_owed_what_the_strongest_check_costs_more() {
        long strongest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // what a check with the strongest parameters takes here, at its quickest
            long t0 = System.nanoTime();
            strongHasher.check(null, utf8("not the secret"), false);
            strongest = Math.min(strongest, System.nanoTime() - t0);
        }
        // The strong hash does 16 times the work of the weak one: most of its cost is owed. The
        // top-up is what the weak check's own time left; one check preempted on a loaded machine
        // takes longer and is owed less, so the best of three is judged.
        long topUp = 0;
        for (int i = 0; i < 3; i++) {
            PasswordHasher.Check weak = strongHasher.check(weakHash, utf8("not the secret"), false);
            assertFalse(weak.matches());
            topUp = Math.max(topUp, weak.topUpNanos());
        }
        assertTrue(topUp >= strongest / 4, "top-up " + topUp / 1000 + " µs, a strong check " + strongest / 1000 + " µs");
        assertEquals(0, strongHasher.check(strongHash, utf8("not the secret"), false).topUpNanos(),
            "a check with the strongest parameters is owed nothing");
        assertEquals(0, strongHasher.check(null, utf8("not the secret"), false).topUpNanos(), "nor is the dummy");
        assertTrue(strongHasher.check(weakHash, utf8("a stored secret 1"), false).matches());
    }

    @Test
    void strength_is_work_first_then_fewer_lanes() {
        assertTrue(STRONG.strongerThan(WEAK));
        assertTrue(new HashParameters(2048, 2, 1).strongerThan(new HashParameters(1024, 3, 1)));
        assertTrue(new HashParameters(1024, 2, 1).strongerThan(new HashParameters(2048, 1, 4)));
        assertFalse(STRONG.strongerThan(STRONG));
    }
}
