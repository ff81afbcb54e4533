package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.client.InvalidTokenException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verifier's side of the kill switch (CONTRACT Round 2 B) against a real HTTP server that
 * serves scripted revocation lists; the server side is tested with the server.
 */
class TokenVerifierRevocationTest {
    private static final String AUDIENCE = "https://api.example";

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private TestIssuer issuer;
    private JwksServer lists; // the issuer's server, which also serves the revocation list
    private final List<TokenVerifier> verifiers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        lists = issuer.jwks;
        lists.revocations = list(1, Map.of(), List.of(), List.of());
        Logger.getLogger(TokenVerifier.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger(TokenVerifier.class.getName()).removeHandler(capture);
        verifiers.forEach(TokenVerifier::close);
        issuer.close();
    }

    private TokenVerifier verifier(TokenVerifier.StalePolicy policy) {
        TokenVerifier v = issuer.verifier(AUDIENCE).revocationPollInterval(Duration.ofMillis(50)).maxStale(Duration.ofSeconds(120)).stalePolicy(policy)
                .build();
        verifiers.add(v);
        return v;
    }

    private static String list(long version, Map<String, Long> subjects, List<String> families, List<String> kids) {
        try {
            return TestKey.JSON.writeValueAsString(Map.of("version", version, "issued_at", 1, "max_age", 5,
                    "subjects", subjects, "families", families, "kids", kids));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String token(String uid, long gen, String sid, Object act) {
        Map<String, Object> c = issuer.claims(AUDIENCE);
        c.put("uid", uid);
        c.put("gen", gen);
        c.put("sid", sid);
        if (act != null) {
            c.put("act", act);
        }
        return issuer.token(c);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s: " + what);
            try {
                Thread.sleep(5); // polling a condition, not waiting for it to happen by itself
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static boolean revoked(TokenVerifier v, String token) {
        try {
            v.verify(token);
            return false;
        } catch (InvalidTokenException e) {
            assertEquals(Reason.REVOKED, e.reason(), e.getMessage());
            return true;
        }
    }

    @Test
    void the_list_is_fetched_before_the_first_check_and_kills_lower_generations_only() {
        lists.revocations = list(7, Map.of("uid-1", 4L), List.of(), List.of());
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_CLOSED);
        assertTrue(revoked(v, token("uid-1", 3, "s1", null)), "gen 3 < 4 is dead at the first check");
        TokenClaims alive = v.verify(token("uid-1", 4, "s1", null));
        assertEquals("uid-1", alive.uid());
        assertEquals(4L, alive.gen());
        assertEquals("agent-1", v.verify(token("uid-2", 0, "s2", null)).subject());
    }

    @Test
    void a_kill_published_later_reaches_a_token_already_verified_and_cached() {
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_CLOSED);
        String token = token("uid-1", 3, "s1", null);
        String other = token("uid-2", 3, "s2", null);
        v.verify(token);
        v.verify(other);
        lists.revocations = list(2, Map.of("uid-1", 4L), List.of(), List.of());
        await(() -> revoked(v, token), "the kill reaches the verifier");
        assertEquals("agent-1", v.verify(other).subject(), "other agents keep working");
    }

    @Test
    void a_listed_session_or_key_kills_the_token() {
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_CLOSED);
        String inSession = token("uid-1", 0, "family-9", null);
        v.verify(inSession);
        lists.revocations = list(2, Map.of(), List.of("family-9"), List.of());
        await(() -> revoked(v, inSession), "the session's token is refused");
        lists.revocations = list(3, Map.of(), List.of(), List.of("key-1"));
        String fresh = token("uid-3", 0, "family-10", null);
        await(() -> revoked(v, fresh), "a token of the revoked key is refused");
    }

    @Test
    void each_actor_of_the_act_chain_is_checked_by_its_uid_and_gen() {
        lists.revocations = list(2, Map.of("actor-1", 5L), List.of(), List.of());
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_CLOSED);
        Map<String, Object> liveActor = Map.of("sub", "orchestrator", "uid", "actor-1", "gen", 5);
        assertEquals("agent-1", v.verify(token("uid-1", 0, "s", liveActor)).subject());
        Map<String, Object> deadInner = Map.of("sub", "a", "uid", "actor-2", "gen", 0,
                "act", Map.of("sub", "orchestrator", "uid", "actor-1", "gen", 4));
        assertTrue(revoked(v, token("uid-1", 0, "s", deadInner)), "a killed actor deep in the chain");
        assertTrue(revoked(v, token("uid-1", 0, "s", Map.of("sub", "someone"))), "an actor without uid and gen");
    }

    @Test
    void an_older_list_from_a_lagging_instance_never_undoes_a_kill() {
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_CLOSED);
        String token = token("uid-1", 3, "s1", null);
        v.verify(token);
        lists.revocations = list(9, Map.of("uid-1", 4L), List.of(), List.of());
        await(() -> revoked(v, token), "the kill reaches the verifier");
        int fetches = lists.revocationFetches.get();
        lists.revocations = list(8, Map.of(), List.of(), List.of());
        await(() -> lists.revocationFetches.get() >= fetches + 3, "three polls of the older list");
        assertTrue(revoked(v, token));
    }

    @Test
    void an_unchanged_list_is_polled_with_if_none_match_and_answered_304() {
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_CLOSED);
        v.verify(token("uid-1", 0, "s", null));
        await(() -> lists.revocationNotModified.get() >= 3, "three 304 answers");
        assertEquals(1, lists.revocationBodiesServed.size(), "the body was sent once");
    }

    @Test
    void a_stale_list_fails_closed_once_logged_and_recovers() {
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_CLOSED);
        String token = token("uid-1", 0, "s", null);
        v.verify(token);
        goStale();
        for (int i = 0; i < 3; i++) {
            ServerUnavailableException e = assertThrows(ServerUnavailableException.class, () -> v.verify(token));
            assertEquals("temporarily_unavailable", e.error());
        }
        assertEquals(1, warnings(), "said once");
        lists.revocationsStatus = 200;
        await(() -> {
            try {
                return v.verify(token) != null;
            } catch (ServerUnavailableException stillStale) {
                return false;
            }
        }, "the verifier accepts again once a poll succeeds");
        await(() -> logged.stream().anyMatch(r -> r.getMessage().contains("fresh again")), "recovery logged");
    }

    @Test
    void a_stale_list_under_fail_open_accepts_and_says_so_once() {
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_OPEN);
        String token = token("uid-1", 0, "s", null);
        v.verify(token);
        goStale();
        for (int i = 0; i < 3; i++) {
            assertEquals("agent-1", v.verify(token).subject());
        }
        assertEquals(1, warnings());
        assertTrue(logged.stream().anyMatch(r -> r.getMessage().contains("FAIL_OPEN")));
    }

    @Test
    void a_list_unreachable_from_the_start_refuses_under_fail_closed() {
        lists.revocationsStatus = 503;
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_CLOSED);
        assertThrows(ServerUnavailableException.class, () -> v.verify(token("uid-1", 0, "s", null)));
    }

    @Test
    void close_stops_the_polling_thread() {
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_CLOSED);
        v.verify(token("uid-1", 0, "s", null));
        String name = "agent-auth-revocations " + lists.url() + "/revocations";
        assertTrue(pollerAlive(name));
        v.close();
        await(() -> !pollerAlive(name), "the poller thread ends");
        assertThrows(IllegalStateException.class, () -> v.verify(token("uid-1", 0, "s", null)));
    }

    @Test
    void without_a_published_list_nothing_polls() {
        lists.revocations = null;
        TokenVerifier v = verifier(TokenVerifier.StalePolicy.FAIL_CLOSED);
        assertEquals("agent-1", v.verify(token("uid-1", 0, "s", null)).subject());
        assertEquals(0, lists.revocationFetches.get());
        assertTrue(!pollerAlive("agent-auth-revocations " + lists.url() + "/revocations"));
    }

    /** The list fails from now on, and the verifier's clock passes maxStale since its last success. */
    private void goStale() {
        lists.revocationsStatus = 503;
        int failures = lists.revocationFailures.get();
        await(() -> lists.revocationFailures.get() > failures, "a poll failed");
        issuer.clock.advance(Duration.ofSeconds(121));
    }

    private long warnings() {
        return logged.stream().filter(r -> r.getLevel() == Level.WARNING && r.getMessage().contains(lists.url())).count();
    }

    private static boolean pollerAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
