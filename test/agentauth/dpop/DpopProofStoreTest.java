package agentauth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.DpopProofStore;
import agentauth.support.Backend;
import agentauth.support.TestServer;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The replay record on both databases: once per (key, jti), kept only while a proof can be valid. */
class DpopProofStoreTest {
    @ParameterizedTest
    @EnumSource(Backend.class)
    void a_proof_is_recorded_once_and_pruned_once_it_can_no_longer_be_valid(Backend backend) {
        try (TestServer s = TestServer.startOn(backend)) {
            DpopProofStore store = new DpopProofStore(s.app().database());
            Instant now = Instant.now();
            assertTrue(store.firstUse("key-a", "jti-1", now.plusSeconds(65), now));
            assertFalse(store.firstUse("key-a", "jti-1", now.plusSeconds(65), now), "a replay");
            assertTrue(store.firstUse("key-b", "jti-1", now.plusSeconds(65), now), "another key's jti is its own");
            assertTrue(store.firstUse("key-a", "jti-old", now.minusSeconds(1), now.minusSeconds(70)));
            assertEquals(1, store.prune(now));
            assertEquals("2", s.one("SELECT count(*) FROM dpop_proofs"));
            assertTrue(store.firstUse("key-a", "jti-old", now.plusSeconds(65), now), "an expired entry is no replay");
            assertTrue(store.firstUse("key-a", "jti-2", now.minusSeconds(1), now.minusSeconds(70)));
            assertTrue(store.firstUse("key-a", "jti-2", now.plusSeconds(65), now), "expired but not pruned yet: taken over");
        }
    }
}
