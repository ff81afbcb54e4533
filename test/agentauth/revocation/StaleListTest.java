package agentauth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import agentauth.client.ServerUnavailableException;
import agentauth.client.TokenVerifier;
import agentauth.client.TokenVerifier.StalePolicy;
import agentauth.support.Await;
import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.Postgres;
import agentauth.support.TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A list that cannot be refreshed (CONTRACT Round 2 B), on both sides: a verifier whose server
 * stopped applies its stale policy once {@code maxStale} passes, and an instance cut off from
 * its database answers 503 for the list rather than serve a stale one as fresh.
 */
class StaleListTest {
    // Long enough that a poller stalled on a loaded machine while the server is up does not make
    // the list stale (at 1 s it could: a 503 before the stop, or the warning said twice).
    private static final Duration MAX_STALE = Duration.ofSeconds(5);

    /** Warnings of the verifiers, which log through System.Logger (java.util.logging here). */
    private static final class Warnings extends Handler implements AutoCloseable {
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final Logger logger = Logger.getLogger(TokenVerifier.class.getName());

        Warnings() {
            logger.addHandler(this);
        }

        /** Messages about {@code url}'s list that say {@code text}: other tests' verifiers log here too. */
        long saying(String url, String text) {
            return messages.stream().filter(m -> m.contains(url + "/revocations") && m.contains(text)).count();
        }

        @Override
        public void publish(LogRecord r) {
            messages.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    private static ProtectedService service(String issuer, StalePolicy policy) {
        return new ProtectedService(ProtectedService.verifierFor(issuer).maxStale(MAX_STALE).stalePolicy(policy).build());
    }

    @Test
    void with_the_server_stopped_fail_closed_answers_503_and_fail_open_accepts_each_saying_so_once() {
        TestServer server = TestServer.start();
        try (Warnings warnings = new Warnings();
             ProtectedService closed = service(server.url(), StalePolicy.FAIL_CLOSED);
             ProtectedService open = service(server.url(), StalePolicy.FAIL_OPEN)) {
            Admin admin = new Admin(new Http(server.url()));
            admin.createAgent("agent-while-stale", "read");
            String token = admin.accessToken("agent-while-stale");
            assertEquals(200, closed.call(token).status());
            assertEquals(200, open.call(token).status());

            server.close();
            Http.Response refused = Await.until(() -> closed.call(token), r -> r.status() == 503,
                "FAIL_CLOSED refuses once the list is older than maxStale");
            assertEquals("ServerUnavailableException", refused.body(), "a 503, not a 401 that would send agents to log in");
            assertThrows(ServerUnavailableException.class, () -> closed.verifier.verify(token));

            Http.Response accepted = Await.until(() -> open.call(token), r -> warnings.saying(server.url(), "(FAIL_OPEN)") > 0,
                "FAIL_OPEN finds the list stale");
            assertEquals(200, accepted.status(), accepted.body());
            assertEquals(200, open.call(token).status());
            assertEquals(1, warnings.saying(server.url(), "(FAIL_OPEN)"), "said once: " + warnings.messages);
            assertEquals(1, warnings.saying(server.url(), "(FAIL_CLOSED)"), "said once: " + warnings.messages);
        } finally {
            server.close();
        }
    }

    @Test
    void an_instance_cut_off_from_its_database_answers_503_for_the_list_and_recovers_without_a_restart() {
        try (Postgres pg = Postgres.startPrivate()) {
            Postgres.Database db = pg.createDatabase();
            Map<String, String> env = new HashMap<>(db.env());
            env.put("AGENT_AUTH_MASTER_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            try (JarProcess server = JarProcess.start(new Backend.Storage(db.url(), env))) {
                Http http = server.http();
                Http.Response up = Admin.ok(http.get("/revocations"));

                pg.stop();
                Http.Response down = Await.until(() -> http.get("/revocations"), r -> r.status() == 503,
                    "the list is refused once it could not be read for 3 s");
                assertEquals("temporarily_unavailable", down.error());
                assertNotNull(down.header("Retry-After"));
                assertEquals(503, http.get("/revocations", "If-None-Match", up.header("ETag")).status(),
                    "a stale list does not look fresh to a conditional request either");
                assertEquals(200, http.get("/.well-known/jwks.json").status(), "the keys are still served");

                pg.start();
                Http.Response back = Await.until(() -> http.get("/revocations"), r -> r.status() == 200,
                    "the list is served again once the database answers");
                assertEquals(up.header("ETag"), back.header("ETag"), "the same version: nothing changed meanwhile");
            }
        }
    }
}
