package agentauth.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.Postgres;
import agentauth.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real instances (the jar, as processes) on one PostgreSQL database act as one server: a
 * refresh token works once whichever instance sees it, reuse anywhere ends the session
 * everywhere, the retry window answers the same successor from either, and a password change on
 * one ends what the other would refresh.
 */
class SeveralInstancesTest {
    static JarProcess a, b;
    static Http httpA, httpB;

    @BeforeAll
    static void start(@TempDir Path dir) {
        Backend.Storage storage = Backend.POSTGRES.fresh(dir);
        // Started together, on an empty database: one migrates and makes the admin and the key.
        // One issuer for both, as behind a load balancer (nothing listens there in this test).
        String[] common = {"--issuer", "http://127.0.0.1:9", "--refresh-retry-window", "120s"}; // long: the tests are about being inside it, and a loaded machine is slow
        a = JarProcess.launch(storage, with(common, "--instance-id", "A"));
        b = JarProcess.launch(storage, with(common, "--instance-id", "B"));
        a.awaitListening();
        b.awaitListening();
        httpA = a.http();
        httpB = b.http();
    }

    @AfterAll
    static void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    static String[] with(String[] flags, String... more) {
        List<String> all = new ArrayList<>(List.of(flags));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    static Http.Response refresh(Http http, String token) {
        return http.postJson("/refresh", Http.json("refresh_token", token));
    }

    static String admin(Http http) {
        return Http.bearer(http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token"));
    }

    static void createUser(String name) {
        Http.Response r = httpA.postJson("/admin/api/users", Http.json("username", name, "password", name + "-secret-1",
            "scopes", List.of("read")), "Authorization", admin(httpA));
        assertEquals(201, r.status(), r.body());
    }

    @Test
    void two_instances_started_together_on_an_empty_database_share_one_admin_and_one_key() {
        assertEquals(200, httpA.get("/health").status());
        assertEquals(200, httpB.get("/health").status());
        String users = httpB.get("/admin/api/users", "Authorization", admin(httpA)).body();
        assertEquals(1, users.split("\"username\":\"admin\"").length - 1, users);
        String firstKeys = httpA.get("/admin/api/audit?type=key_rotated&limit=500", "Authorization", admin(httpA)).body();
        assertEquals(1, firstKeys.split("first signing key").length - 1, "one first key, not one per instance: " + firstKeys);
    }

    @Test
    void two_hundred_refreshes_alternating_between_instances_each_work_once() {
        createUser("alternating");
        String token = httpA.login("alternating", "alternating-secret-1").text("refresh_token");
        for (int i = 0; i < 200; i++) {
            Http.Response r = refresh(i % 2 == 0 ? httpB : httpA, token);
            assertEquals(200, r.status(), "refresh " + i + ": " + r.body());
            token = r.text("refresh_token");
        }
    }

    @Test
    void a_token_rotated_on_one_instance_and_presented_again_on_the_other_ends_the_session_and_is_audited_there() {
        createUser("reused");
        String first = httpA.login("reused", "reused-secret-1").text("refresh_token");
        String second = refresh(httpA, first).text("refresh_token");
        assertEquals(200, refresh(httpA, second).status()); // second is used now; its copy window is for second only
        Http.Response reuse = refresh(httpB, first); // first's window: its successor (second) is used, so reuse
        assertEquals("invalid_grant", reuse.error(), reuse.body());
        String events = httpB.get("/admin/api/audit?type=refresh_reuse&user=reused", "Authorization", admin(httpB)).body();
        assertTrue(events.contains("\"instance\":\"B\""), events);
    }

    @Test
    void fifty_concurrent_presentations_split_across_instances_within_the_window_all_get_the_same_successor() throws Exception {
        createUser("windowed");
        String token = httpA.login("windowed", "windowed-secret-1").text("refresh_token");
        List<String> answers = race(50, i -> {
            Http.Response r = refresh(i % 2 == 0 ? httpA : httpB, token);
            for (int retry = 0; r.status() == 503 && retry < 5; retry++) r = refresh(i % 2 == 0 ? httpA : httpB, token);
            return r.status() + " " + r.text("refresh_token");
        });
        assertEquals(1, answers.stream().distinct().count(), answers.toString());
        assertTrue(answers.get(0).startsWith("200 "), answers.get(0));
    }

    @Test
    void a_password_change_on_one_instance_ends_the_sessions_the_other_would_refresh() throws Exception {
        createUser("changed");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) tokens.add(httpA.login("changed", "changed-secret-1").text("refresh_token"));
        String admin = admin(httpA);
        long[] committedAt = new long[1];
        List<String> lateSuccesses = race(5, i -> {
            if (i == 4) { // the change, on A
                Http.Response r = httpA.send("PATCH", "/admin/api/users/changed", "application/json",
                    "{\"password\":\"changed-secret-2\"}".getBytes(), "Authorization", admin);
                committedAt[0] = System.nanoTime();
                return r.status() == 200 ? "" : "change failed: " + r.body();
            }
            String token = tokens.get(i);
            StringBuilder late = new StringBuilder();
            for (int n = 0; n < 100; n++) { // refreshes on B, racing the change
                long started = System.nanoTime();
                Http.Response r = refresh(httpB, token);
                if (r.status() != 200) break;
                if (committedAt[0] != 0 && started > committedAt[0]) late.append("a refresh started after the change: 200; ");
                token = r.text("refresh_token");
            }
            return late.toString();
        });
        assertEquals(List.of("", "", "", "", ""), lateSuccesses);
        for (String t : tokens) assertEquals(401, refresh(httpB, t).status());
    }

    @Test
    void five_wrong_secrets_split_across_the_instances_throttle_as_on_one() {
        createUser("guessed");
        for (int i = 0; i < 5; i++) {
            Http.Response r = (i % 2 == 0 ? httpA : httpB).login("guessed", "not-the-secret-" + i);
            assertEquals(401, r.status(), r.body());
        }
        assertEquals(429, httpA.login("guessed", "guessed-secret-1").status(), "held back on A");
        assertEquals(429, httpB.login("guessed", "guessed-secret-1").status(), "and on B");
        for (int i = 0; i < 5; i++) httpA.login("no-such-agent", "not-the-secret-" + i);
        assertEquals(429, httpB.login("no-such-agent", "not-the-secret-9").status(), "unknown names count alike");
    }

    @Test
    void a_token_signed_after_a_rotation_on_one_instance_verifies_at_the_other_and_against_its_jwks() throws Exception {
        String admin = admin(httpA);
        Http.Response rotated = httpA.postJson("/admin/api/keys/rotate", "{\"immediate\":true}", "Authorization", admin);
        assertEquals(200, rotated.status(), rotated.body());
        String kid = rotated.text("kid");
        String token = httpA.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
        assertEquals(kid, com.auth0.jwt.JWT.decode(token).getKeyId());
        long deadline = System.nanoTime() + 30_000_000_000L; // every instance reads the keys again every 2 s
        while (!httpB.get("/.well-known/jwks.json").body().contains(kid) && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(httpB.get("/.well-known/jwks.json").body().contains(kid));
        assertEquals(200, httpB.get("/me", "Authorization", Http.bearer(token)).status());
    }

    @FunctionalInterface
    interface Call<T> {
        T call(int i) throws Exception;
    }

    /** Runs {@code n} calls released at once; returns their results in order. */
    static <T> List<T> race(int n, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit((Callable<T>) () -> {
                    go.await();
                    return call.call(index);
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
