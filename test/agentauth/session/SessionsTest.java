package agentauth.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The session service on both databases: rotation, reuse, races, and the ends of sessions. */
@ParameterizedClass
@EnumSource(Backend.class)
class SessionsTest {
    @Parameter
    Backend backend;

    static Http.Response refresh(Http http, String token) {
        return http.postJson("/refresh", Http.json("refresh_token", token));
    }

    @Test
    void a_chain_of_rotations_works_each_token_once_and_a_reuse_ends_the_session() {
        try (TestServer server = TestServer.startOn(backend)) {
            server.createUser("chain", "chain-secret-123", "read");
            Http http = new Http(server.url());
            String first = http.login("chain", "chain-secret-123").text("refresh_token");
            String token = first;
            for (int i = 0; i < 20; i++) {
                Http.Response r = refresh(http, token);
                assertEquals(200, r.status(), r.body());
                token = r.text("refresh_token");
            }
            assertEquals("invalid_grant", refresh(http, first).error(), "a used token again");
            assertEquals("invalid_grant", refresh(http, token).error(), "the session ended with the reuse");
            assertEquals("1", server.one("SELECT COUNT(*) FROM audit_events WHERE type = 'refresh_reuse'"));
        }
    }

    @Test
    void of_fifty_concurrent_presentations_of_one_token_exactly_one_succeeds_and_the_session_ends() throws Exception {
        try (TestServer server = TestServer.startOn(backend)) {
            server.createUser("racer", "racer-secret-123", "read");
            Http http = new Http(server.url());
            String token = http.login("racer", "racer-secret-123").text("refresh_token");
            List<Integer> statuses = race(50, () -> refresh(http, token).status());
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(49, statuses.stream().filter(s -> s == 401).count(), statuses.toString());
            assertEquals("1", server.one("SELECT COUNT(*) FROM families WHERE revoked_at IS NOT NULL"));
        }
    }

    @Test
    void with_a_retry_window_every_concurrent_presentation_gets_the_same_successor() throws Exception {
        try (TestServer server = TestServer.startOn(backend, "--refresh-retry-window", "120s")) {
            server.createUser("retrier", "retrier-secret-12", "read");
            Http http = new Http(server.url());
            String token = http.login("retrier", "retrier-secret-12").text("refresh_token");
            List<String> successors = race(20, () -> {
                Http.Response r = refresh(http, token);
                // An overloaded machine may answer 503 (with Retry-After): a client retries, as here.
                for (int retry = 0; r.status() == 503 && retry < 5; retry++) r = refresh(http, token);
                return r.status() + " " + r.text("refresh_token");
            });
            assertEquals(1, successors.stream().distinct().count(), successors.toString());
            assertTrue(successors.get(0).startsWith("200 "), successors.get(0));
        }
    }

    @Test
    void a_password_change_ends_every_session_and_a_logout_ends_one() {
        try (TestServer server = TestServer.startOn(backend)) {
            server.createUser("ender", "ender-secret-123", "read");
            Http http = new Http(server.url());
            String a = http.login("ender", "ender-secret-123").text("refresh_token");
            String b = http.login("ender", "ender-secret-123").text("refresh_token");
            assertEquals(204, http.postJson("/logout", Http.json("refresh_token", a)).status());
            assertEquals("invalid_grant", refresh(http, a).error());
            server.app().users().update("ender", new agentauth.user.Users.Patch("ender-secret-456", null, null),
                new agentauth.user.Users.Actor("test", null), false);
            assertEquals("invalid_grant", refresh(http, b).error());
        }
    }

    /** Runs {@code n} calls released at once, returns their results. */
    static <T> List<T> race(int n, java.util.concurrent.Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) futures.add(pool.submit(() -> {
                go.await();
                return call.call();
            }));
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
