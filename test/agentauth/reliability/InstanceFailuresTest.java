package agentauth.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.Postgres;
import agentauth.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instances on PostgreSQL when something fails: an instance dies, or the database goes away and comes back. */
class InstanceFailuresTest {
    @TempDir
    Path dir;

    static Http.Response refresh(Http http, String token) {
        return http.postJson("/refresh", Http.json("refresh_token", token));
    }

    @Test
    void kill_9_of_one_instance_under_load_leaves_the_other_serving_without_a_5xx() throws Exception {
        Backend.Storage storage = Backend.POSTGRES.fresh(dir);
        try (JarProcess a = JarProcess.start(storage, "--instance-id", "A", "--issuer", "http://127.0.0.1:9");
             JarProcess b = JarProcess.start(storage, "--instance-id", "B", "--issuer", "http://127.0.0.1:9")) {
            Http httpA = a.http(), httpB = b.http();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger onB = new AtomicInteger();
            ConcurrentLinkedQueue<String> failuresOnB = new ConcurrentLinkedQueue<>();
            Thread[] agents = new Thread[6];
            for (int i = 0; i < agents.length; i++) {
                Http mine = i % 2 == 0 ? httpA : httpB;
                agents[i] = new Thread(() -> {
                    String token = httpB.login("admin", TestServer.ADMIN_PASSWORD).text("refresh_token");
                    while (running.get()) {
                        try {
                            Http.Response r = refresh(mine, token);
                            if (mine == httpB && r.status() >= 500) failuresOnB.add(r.status() + " " + r.body());
                            if (mine == httpB) onB.incrementAndGet();
                            if (r.status() == 200) token = r.text("refresh_token");
                        } catch (RuntimeException e) { // A is gone: its agents stop
                            if (mine == httpB) failuresOnB.add(e.toString());
                            return;
                        }
                    }
                });
                agents[i].start();
            }
            awaitAtLeast(onB, 30);
            a.kill();
            int atKill = onB.get();
            awaitAtLeast(onB, atKill + 60); // B goes on serving after A died mid-load
            running.set(false);
            for (Thread t : agents) t.join(30_000);
            assertEquals(List.of(), List.copyOf(failuresOnB));
            assertEquals(200, httpB.get("/health").status());
        }
    }

    @Test
    void when_postgresql_stops_requests_get_503_and_when_it_returns_the_instance_recovers_without_a_restart() throws Exception {
        try (Postgres pg = Postgres.startPrivate()) {
            Postgres.Database db = pg.createDatabase();
            Map<String, String> env = new java.util.HashMap<>(db.env());
            env.put("AGENT_AUTH_MASTER_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            try (JarProcess server = JarProcess.start(new Backend.Storage(db.url(), env))) {
                Http http = server.http();
                Http.Response login = http.login("admin", TestServer.ADMIN_PASSWORD);
                String token = login.text("refresh_token");
                String jwks = http.get("/.well-known/jwks.json").body();

                pg.stop();
                Http.Response down = refresh(http, token);
                assertEquals(503, down.status(), down.body());
                assertEquals("temporarily_unavailable", down.error());
                assertNotNull(down.header("Retry-After"));
                assertEquals(503, http.get("/health").status());
                assertEquals(jwks, http.get("/.well-known/jwks.json").body(), "keys are served from memory");
                assertTrue(server.awaitLog("storage unavailable", 10), server.log());

                pg.start();
                Http.Response up = awaitStatus(() -> refresh(http, token), 200);
                assertEquals(200, up.status(), "the token refused while down was not consumed: " + up.body());
                assertEquals(200, http.get("/health").status());
                assertTrue(server.isAlive());
            }
        }
    }

    /** Repeats {@code call} until it answers {@code status} (at most a minute); returns the last answer. */
    static Http.Response awaitStatus(java.util.function.Supplier<Http.Response> call, int status) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        Http.Response r = call.get();
        while (r.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(100);
            r = call.get();
        }
        return r;
    }

    static void awaitAtLeast(AtomicInteger counter, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (counter.get() < n && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(counter.get() >= n, "only " + counter.get() + " of " + n);
    }
}
