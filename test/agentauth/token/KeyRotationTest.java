package agentauth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.ConfigException;
import agentauth.support.Backend;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Keys that rotate themselves (contract F), driven by an injected clock and the scheduled work run by hand. */
class KeyRotationTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A verifier that caches the JWKS for its whole max-age, as a resource server may. */
    static final class CachingVerifier {
        private final KeyRotation keys;
        private Set<String> kids = Set.of();
        private Instant fetchedUntil = Instant.MIN;

        CachingVerifier(KeyRotation keys) {
            this.keys = keys;
        }

        Set<String> kids(Instant now) throws Exception {
            if (!now.isBefore(fetchedUntil)) {
                Jwks.Document d = keys.jwks();
                Set<String> fresh = new HashSet<>();
                for (JsonNode k : JSON.readTree(d.bytes()).get("keys")) fresh.add(k.get("kid").asText());
                kids = fresh;
                fetchedUntil = now.plusSeconds(d.maxAgeSeconds());
            }
            return kids;
        }
    }

    record Issued(String kid, Instant exp) {}

    @Test
    void a_month_of_rotations_never_shows_a_verifier_caching_the_jwks_an_unknown_kid() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        try (TestServer server = TestServer.startWith(clock, "--key-rotation", "1d", "--key-publish-ahead", "1h",
                "--access-ttl", "15m")) {
            KeyRotation rotation = server.app().keyRotation();
            SigningKeys keys = server.app().signingKeys();
            CachingVerifier verifier = new CachingVerifier(rotation);
            TokenIssuer issuer = new TokenIssuer(keys, server.url(), Duration.ofMinutes(15), clock);
            var admin = server.app().users().get("admin");
            List<Issued> live = new ArrayList<>();
            Set<String> signers = new HashSet<>();
            Instant end = clock.instant().plus(Duration.ofDays(30));
            while (clock.instant().isBefore(end)) {
                clock.advance(Duration.ofSeconds(97)); // not a divisor of any period: every phase gets hit
                Instant now = clock.instant();
                rotation.run();
                keys.reload();
                String token = issuer.issue(admin, List.of(), server.url(), null, null).value(); // as the server signs
                String kid = com.auth0.jwt.JWT.decode(token).getKeyId();
                signers.add(kid);
                live.add(new Issued(kid, now.plus(Duration.ofMinutes(15))));
                live.removeIf(t -> !t.exp().isAfter(now));
                Set<String> known = verifier.kids(now);
                for (Issued t : live) assertTrue(known.contains(t.kid()), now + ": a live token's key " + t.kid() + " is unknown");
            }
            assertTrue(signers.size() >= 29, "it rotated about daily: " + signers.size() + " keys signed");
            assertTrue(new ObjectMapper().readTree(rotation.jwks().bytes()).get("keys").size() <= 3,
                "retired keys drop out: the set stays small");
        }
    }

    @Test
    void the_jwks_max_age_never_outlasts_the_next_publication() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        try (TestServer server = TestServer.startWith(clock, "--key-rotation", "1d", "--key-publish-ahead", "1h")) {
            KeyRotation rotation = server.app().keyRotation();
            assertEquals(300, rotation.jwks().maxAgeSeconds());
            clock.advance(Duration.ofHours(23).minusSeconds(100)); // the next key is published at 23:00
            assertEquals(100, rotation.jwks().maxAgeSeconds());
            clock.advance(Duration.ofSeconds(100));
            rotation.run();
            assertEquals(2, JSON.readTree(rotation.jwks().bytes()).get("keys").size(), "published an hour ahead");
            assertNotEquals(rotation.list().get(0).kid(), server.app().signingKeys().current().kid(), "not signing yet");
        }
    }

    @Test
    void a_restart_mid_rotation_keeps_the_schedule() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        try (TestServer server = TestServer.startWith(clock, "--key-rotation", "1d", "--key-publish-ahead", "1h")) {
            String first = server.app().signingKeys().current().kid();
            clock.advance(Duration.ofHours(23));
            server.app().keyRotation().run();
            SigningKeys.View next = server.app().keyRotation().list().get(0);
            assertEquals("next", next.state());
            assertEquals(Instant.parse("2026-12-02T00:00:00Z"), next.activatesAt());

            server.restartWith("--key-rotation", "1d", "--key-publish-ahead", "1h");
            assertEquals(first, server.app().signingKeys().current().kid(), "the old key signs until the activation");
            server.app().keyRotation().run();
            assertEquals(2, server.app().keyRotation().list().size(), "no second next key after the restart");
            clock.advance(Duration.ofMinutes(60));
            assertEquals(next.kid(), server.app().signingKeys().current().kid(), "signs from its activation on");
            server.app().keyRotation().run();
            assertEquals("gone", server.app().keyRotation().list().stream() // it signed no token that still lives
                .filter(k -> k.kid().equals(first)).findFirst().orElseThrow().state());
            assertEquals(1, server.app().audit().list(5, null, null, "key_retired").events().size());
        }
    }

    @Test
    void two_instances_on_one_database_publish_one_next_key_not_two() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        String[] flags = {"--key-rotation", "1d", "--key-publish-ahead", "1h"};
        try (TestServer a = TestServer.startOn(Backend.POSTGRES, clock, flags);
             TestServer b = TestServer.startBeside(a, flags)) {
            clock.advance(Duration.ofHours(23).plusMinutes(1));
            List<Thread> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) runs.add(new Thread((i % 2 == 0 ? a : b).app().keyRotation()::run));
            runs.forEach(Thread::start);
            for (Thread t : runs) t.join();
            a.app().signingKeys().reload();
            assertEquals(1, a.app().keyRotation().list().stream().filter(k -> k.state().equals("next")).count());
        }
    }

    @Test
    void a_publish_ahead_verifiers_cannot_follow_is_refused_at_start() {
        assertRefused("more than 311s", () -> TestServer.start("--key-publish-ahead", "300s"));
        assertRefused("shorter than --key-rotation", () -> TestServer.start("--key-rotation", "1d", "--key-publish-ahead", "2d"));
    }

    private static void assertRefused(String why, Executable start) {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, start);
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
