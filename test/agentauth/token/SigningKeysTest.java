package agentauth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.auth0.jwt.JWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SigningKeysTest {
    /** A safety net, never the condition: on a loaded machine a thread may start or run late. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int REFRESHES = 20; // per refresher of the deadlock test; ~100 rotations overlapped 3 of them here

    static String jwks(TestServer server) {
        return new String(server.app().keyRotation().jwks().bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void a_retired_key_stays_published_until_its_last_token_expired_plus_a_minute() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
        try (TestServer server = TestServer.startWith(clock, "--access-ttl", "5m")) {
            Http http = new Http(server.url());
            String token = http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
            String oldKid = JWT.decode(token).getKeyId();
            Instant lastExp = JWT.decode(token).getExpiresAtAsInstant();

            clock.advance(Duration.ofMinutes(1));
            String newKid = server.app().keyRotation().rotate(true, "test", null).kid();
            assertNotEquals(oldKid, newKid);
            assertNotNull(server.app().signingKeys().verificationKey(oldKid), "still published after rotation");
            SigningKeys.View old = server.app().keyRotation().list().stream().filter(k -> k.kid().equals(oldKid)).findFirst().orElseThrow();
            assertEquals("retiring", old.state());
            assertEquals(lastExp.plus(SigningKeys.GRACE), old.publishedUntil(), "exactly: last expiry plus a minute");
            assertTrue(jwks(server).contains(oldKid) && jwks(server).contains(newKid));
            assertEquals(200, http.get("/me", "Authorization", Http.bearer(token)).status(), "old tokens keep verifying");

            clock.advance(Duration.between(clock.instant(), lastExp.plus(SigningKeys.GRACE)).minusSeconds(1));
            assertTrue(jwks(server).contains(oldKid));
            clock.advance(Duration.ofSeconds(1));
            assertFalse(jwks(server).contains(oldKid), "dropped once its last token is a minute past expiry");
            assertTrue(jwks(server).contains(newKid));
        }
    }

    @Test
    void a_restart_with_a_shorter_ttl_does_not_drop_a_key_early() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
        try (TestServer server = TestServer.startWith(clock, "--access-ttl", "1h")) {
            String token = new Http(server.url()).login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
            String kid = JWT.decode(token).getKeyId();
            Instant exp = JWT.decode(token).getExpiresAtAsInstant();
            server.restartWith("--access-ttl", "1m"); // the recorded bound is in the database, not derived from the TTL
            server.app().keyRotation().rotate(true, "test", null).kid();
            clock.advance(Duration.ofMinutes(59));
            assertTrue(jwks(server).contains(kid), "published while its token lives");
            clock.advance(Duration.between(clock.instant(), exp.plus(SigningKeys.GRACE)));
            clock.advance(Duration.ofHours(1)); // bound persisted with one TTL of headroom across a restart
            assertFalse(jwks(server).contains(kid));
        }
    }

    @Test
    void a_rotation_rolled_back_with_its_batch_leaves_the_keys_in_memory_as_they_were() throws Exception {
        try (TestServer server = TestServer.start()) {
            SigningKeys keys = server.app().signingKeys();
            KeyRotation keyRotation = server.app().keyRotation();
            agentauth.store.Database db = server.app().database();
            String before = keys.current().kid();
            int listed = keyRotation.list().size();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            try {
                // A write holds the lock while the rotation and then a write that meets a storage
                // fault queue up: they commit (or not) together.
                java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.Future<?> first = pool.submit(() -> db.write(c -> {
                    holding.countDown();
                    try { release.await(); } catch (InterruptedException e) { throw new IllegalStateException(e); }
                    return null;
                }));
                assertTrue(holding.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
                java.util.List<Thread> queued = new java.util.concurrent.CopyOnWriteArrayList<>();
                java.util.concurrent.Future<String> rotation = pool.submit(() -> {
                    queued.add(Thread.currentThread());
                    return keyRotation.rotate(true, "test", null).kid();
                });
                awaitParked(queued, 1);
                java.util.concurrent.Future<?> faulty = pool.submit(() -> {
                    queued.add(Thread.currentThread());
                    return db.write(c -> {
                        try (java.sql.Statement s = c.createStatement()) {
                            s.execute("PRAGMA query_only = 1"); // the next write fails as on a read-only file
                            s.execute("INSERT INTO audit_events (time, type) VALUES (0, 'never')");
                        }
                        return null;
                    });
                });
                awaitParked(queued, 2);
                release.countDown();
                first.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                for (java.util.concurrent.Future<?> f : java.util.List.of(rotation, faulty)) {
                    java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                        java.util.concurrent.ExecutionException.class, () -> f.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
                    assertTrue(e.getCause() instanceof agentauth.error.AuthError.TemporarilyUnavailable, String.valueOf(e.getCause()));
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(before, keys.current().kid(), "the rolled-back key never signs");
            assertEquals(listed, keyRotation.list().size());
            String after = keyRotation.rotate(true, "test", null).kid(); // the connection was reopened: writes work again
            assertNotEquals(before, after);
            assertEquals(after, keys.current().kid());
        }
    }

    private static void awaitParked(java.util.List<Thread> threads, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (threads.size() == count && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) return;
            Thread.sleep(5);
        }
        throw new AssertionError("the writes did not queue up");
    }

    @Test
    void rotating_keys_while_windowed_refreshes_sign_inside_their_transaction_does_not_deadlock() {
        // With a retry window, a refresh signs (and may extend the key's bound) under the database
        // lock; rotation must take the two locks in the same order.
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (TestServer server = TestServer.start("--refresh-retry-window", "30s", "--access-ttl", "1s")) {
                Http http = new Http(server.url());
                // A fixed amount of work, not a time budget: a slow login only makes the run longer.
                java.util.List<Thread> refreshers = new java.util.ArrayList<>();
                java.util.concurrent.atomic.AtomicInteger refreshed = new java.util.concurrent.atomic.AtomicInteger();
                for (int i = 0; i < 3; i++) refreshers.add(new Thread(() -> {
                    String token = http.login("admin", TestServer.ADMIN_PASSWORD).text("refresh_token");
                    for (int n = 0; n < REFRESHES; n++) {
                        Http.Response r = http.postJson("/refresh", Http.json("refresh_token", token));
                        if (r.status() != 200) break;
                        token = r.text("refresh_token");
                        refreshed.incrementAndGet();
                    }
                }));
                Thread rotator = new Thread(() -> { // rotates for as long as the refreshes run
                    while (refreshers.stream().anyMatch(Thread::isAlive)) server.app().keyRotation().rotate(true, "test", null).kid();
                });
                for (Thread t : refreshers) t.start();
                rotator.start();
                for (Thread t : refreshers) t.join();
                rotator.join();
                assertTrue(refreshed.get() > 0);
            }
        });
    }

    @Test
    void a_bound_extended_in_a_write_that_rolls_back_is_not_kept_in_memory() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
        try (TestServer server = TestServer.startWith(clock, "--access-ttl", "5m")) {
            SigningKeys keys = server.app().signingKeys();
            TokenIssuer issuer = new TokenIssuer(keys, server.url(), Duration.ofMinutes(5), clock);
            var admin = server.app().users().get("admin");
            String kid = keys.current().kid();
            clock.advance(Duration.ofHours(1)); // past the stored bound: the next token must extend it
            Instant exp = clock.instant().plus(Duration.ofMinutes(5));
            try {
                server.app().database().write(c -> {
                    issuer.issue(admin, java.util.List.of(), server.url(), null, null);
                    throw new IllegalStateException("the surrounding write fails");
                });
            } catch (IllegalStateException expected) {
                // rolled back, the extension of the bound with it
            }
            issuer.issue(admin, java.util.List.of(), server.url(), null, null); // the same expiry, outside any write
            Instant stored = new agentauth.store.SigningKeyStore(server.app().database()).all().stream()
                .filter(r -> r.kid().equals(kid)).findFirst().orElseThrow().tokensUntil();
            assertFalse(stored.isBefore(exp), "the database bounds the token actually issued: " + stored + " < " + exp);
        }
    }
}
