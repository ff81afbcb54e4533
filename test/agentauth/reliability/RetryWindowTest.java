package agentauth.reliability;

import agentauth.support.Sqlite;
import agentauth.support.RawRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.crypto.Aead;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

/**
 * Lost answers: a refresh committed whose answer the client never read. With the retry window the
 * same token gets the same answer again while its successor is unused; at 0 it is reuse.
 */
class RetryWindowTest {
    static final String PASSWORD = "retry-agent-secret";

    static String login(Http http, TestServer server, String name) {
        server.createUser(name, PASSWORD, "read");
        return http.login(name, PASSWORD).text("refresh_token");
    }

    static Http.Response refresh(Http http, String token) {
        return http.postJson("/refresh", Http.json("refresh_token", token));
    }

    /** Sends a refresh and hangs up once the server started answering: the rotation is committed. */
    static void refreshAndDropTheAnswer(TestServer server, String token) {
        try (RawRequest r = new RawRequest(server.url(), "/refresh", Http.json("refresh_token", token))) {
            r.sendAll().dropAfterFirstByte();
        }
    }

    @Test
    void without_a_window_a_lost_answer_makes_the_retry_a_reuse_that_ends_the_family() {
        try (TestServer server = TestServer.start("--refresh-retry-window", "0s")) {
            Http http = new Http(server.url());
            String token = login(http, server, "strict-agent");
            refreshAndDropTheAnswer(server, token);
            Http.Response retry = refresh(http, token);
            assertEquals(401, retry.status());
            assertEquals("invalid_grant", retry.error());
            assertEquals(0, Integer.parseInt(Sqlite.one(server.db(), "SELECT COUNT(*) FROM families WHERE revoked_at IS NULL "
                + "AND user_id = (SELECT id FROM users WHERE username = 'strict-agent')")), "the family ended");
            assertEquals("0", Sqlite.one(server.db(), "SELECT COUNT(*) FROM refresh_tokens WHERE successor IS NOT NULL"),
                "no copies are kept without a window");
            assertEquals(200, http.login("strict-agent", PASSWORD).status(), "the agent recovers by logging in");
        }
    }

    @Test
    void within_the_window_a_lost_answer_is_given_again_until_the_successor_is_used() {
        try (TestServer server = TestServer.start("--refresh-retry-window", "60s")) {
            Http http = new Http(server.url());
            String token = login(http, server, "retrying-agent");
            refreshAndDropTheAnswer(server, token);
            Http.Response first = refresh(http, token), second = refresh(http, token);
            assertEquals(200, first.status(), first.body());
            assertEquals(first.text("refresh_token"), second.text("refresh_token"), "the same successor");
            assertEquals(first.text("access_token"), second.text("access_token"), "the same access token");
            assertEquals(200, http.get("/me", "Authorization", Http.bearer(first.text("access_token"))).status());

            Http.Response next = refresh(http, first.text("refresh_token"));
            assertEquals(200, next.status(), "the successor works once");
            Http.Response late = refresh(http, token);
            assertEquals(401, late.status(), "the successor was used: the old token is reuse now");
            assertEquals(401, refresh(http, next.text("refresh_token")).status(), "and the family ended");
        }
    }

    @Test
    void after_the_window_the_old_token_is_reuse_and_its_copy_is_gone() {
        MutableClock clock = new MutableClock();
        try (TestServer server = TestServer.startWith(clock, "--refresh-retry-window", "30s")) {
            Http http = new Http(server.url());
            String token = login(http, server, "slow-agent");
            String other = login(http, server, "busy-agent");
            refreshAndDropTheAnswer(server, token);
            assertEquals("1", Sqlite.one(server.db(), "SELECT COUNT(*) FROM refresh_tokens WHERE successor IS NOT NULL"));
            clock.advance(Duration.ofSeconds(30));
            assertEquals(200, refresh(http, other).status()); // any rotation sweeps expired copies
            assertEquals("1", Sqlite.one(server.db(), "SELECT COUNT(*) FROM refresh_tokens WHERE successor IS NOT NULL"),
                "only the fresh copy of busy-agent's rotation is left");
            Http.Response retry = refresh(http, token);
            assertEquals(401, retry.status(), "the window has passed");
            clock.advance(Duration.ofSeconds(30));
            assertEquals(1, server.app().sessions().dropExpiredRetryCopies(), "the idle-time sweep (housekeeping)");
            assertEquals("0", Sqlite.one(server.db(), "SELECT COUNT(*) FROM refresh_tokens WHERE successor IS NOT NULL"));
        }
    }

    @Test
    void the_stored_copy_opens_with_a_key_derived_from_the_token_but_not_with_its_lookup_hash() throws Exception {
        try (TestServer server = TestServer.start("--refresh-retry-window", "60s")) {
            Http http = new Http(server.url());
            String token = login(http, server, "sealed-agent");
            Http.Response r = refresh(http, token);
            String successor = r.text("refresh_token");
            byte[] lookup = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            String hex = HexFormat.of().formatHex(lookup);
            byte[] sealed = HexFormat.of().parseHex(Sqlite.one(server.db(),
                "SELECT hex(successor) FROM refresh_tokens WHERE hash = x'" + hex + "'"));
            String family = Sqlite.one(server.db(), "SELECT family_id FROM refresh_tokens WHERE hash = x'" + hex + "'");
            byte[] aad = family.getBytes(StandardCharsets.UTF_8);
            String stored = new String(sealed, StandardCharsets.ISO_8859_1);
            assertFalse(stored.contains(successor) || stored.contains(r.text("access_token")), "nothing usable in the clear");

            String plain = new String(new Aead(hkdf(token.getBytes(StandardCharsets.UTF_8))).decrypt(sealed, aad), StandardCharsets.UTF_8);
            assertTrue(plain.contains(successor), "the token's holder can open it");
            assertThrows(GeneralSecurityException.class, () -> new Aead(lookup).decrypt(sealed, aad));
            assertThrows(GeneralSecurityException.class, () -> new Aead(hkdf(lookup)).decrypt(sealed, aad));
            assertThrows(GeneralSecurityException.class, () -> new Aead(hkdf(token.getBytes(StandardCharsets.UTF_8)))
                .decrypt(sealed, "another-family".getBytes(StandardCharsets.UTF_8)), "the family id is bound in");

            assertEquals(200, refresh(http, successor).status());
            assertEquals(null, Sqlite.one(server.db(), "SELECT successor FROM refresh_tokens WHERE hash = x'" + hex + "'"),
                "the copy is deleted once its successor is used");
        }
    }

    @Test
    void concurrent_retries_within_the_window_all_get_the_same_successor() throws Exception {
        try (TestServer server = TestServer.start("--refresh-retry-window", "60s")) {
            Http http = new Http(server.url());
            String token = login(http, server, "eager-agent");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) answers.add(pool.submit(() -> { go.await(); return refresh(http, token); }));
            go.countDown();
            List<String> successors = new ArrayList<>();
            for (Future<Http.Response> f : answers) {
                assertEquals(200, f.get().status(), f.get().body());
                successors.add(f.get().text("refresh_token"));
            }
            pool.shutdown();
            assertEquals(1, successors.stream().distinct().count(), "one rotation, answered eight times");
            assertNotNull(successors.get(0));
            assertEquals(200, refresh(http, successors.get(0)).status());
        }
    }

    private static byte[] hkdf(byte[] ikm) {
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(new HKDFParameters(ikm, null, "agent-auth refresh retry copy v1".getBytes(StandardCharsets.US_ASCII)));
        byte[] key = new byte[32];
        g.generateBytes(key, 0, key.length);
        return key;
    }
}
