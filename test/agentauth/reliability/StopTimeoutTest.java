package agentauth.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import agentauth.metrics.Scraper;
import agentauth.support.Await;
import agentauth.support.Http;
import agentauth.support.RawRequest;
import agentauth.support.Sqlite;
import agentauth.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * A stop whose requests in flight outlast the bounded wait still stops: their connections are
 * cut with one log line (Jetty's own bounded stop logged a stack trace and threw, and the
 * database was left open), the database closes, and the close returns normally.
 */
@ResourceLock(Resources.SYSTEM_ERR) // slf4j-simple writes to System.err, captured here
class StopTimeoutTest {
    private static final long DEADLINE_MS = 120_000; // generous: the machine is loaded and shared

    @Test
    void a_request_still_in_flight_after_10_s_is_cut_off_with_one_line_and_the_database_closes() throws Exception {
        TestServer server = TestServer.start("--metrics-port", "0");
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = null;
        CompletableFuture<Void> closing = null;
        try {
            server.createUser("agent", "agent-secret-1", "read");
            String refresh = new Http(server.url()).login("agent", "agent-secret-1").text("refresh_token");
            Scraper metrics = new Scraper(server.app().metricsPort());
            assertEquals(0.0, metrics.value("agentauth_http_requests_in_flight"));
            // The test holds the write queue: a refresh waits behind it for as long as the test likes.
            holder = CompletableFuture.runAsync(() -> server.app().database().write(c -> {
                held.countDown();
                await(release);
                return null;
            }));
            await(held);
            try (RawRequest inFlight = new RawRequest(server.url(), "/refresh", Http.json("refresh_token", refresh))) {
                inFlight.sendAll();
                Await.until(() -> metrics.value("agentauth_http_requests_in_flight"), n -> n == 1.0, "the refresh in flight");

                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                closing = CompletableFuture.runAsync(() -> server.app().close());
                Await.until(() -> err.toString(StandardCharsets.UTF_8),
                    log -> log.contains("stopping: requests still in flight after 10s are cut off"), "the line of the cut-off stop");
                assertEquals("", inFlight.answer(), "its connection was closed without an answer");
            }
            assertFalse(closing.isDone(), "the database waits for the write the test holds");
            release.countDown();
            closing.get(DEADLINE_MS, TimeUnit.MILLISECONDS); // throws if the close failed
            holder.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
            // Other tests' servers log here too (System.err is the process's): look for this stop's traces only.
            String log = err.toString(StandardCharsets.UTF_8);
            assertFalse(log.contains("failed to stop gracefully") || log.contains("TimeoutException"), "no stack trace: " + log);
            assertEquals("ok", Sqlite.integrity(server.db()));
            Path wal = Path.of(server.db() + "-wal");
            assertFalse(Files.exists(wal) && Files.size(wal) > 0, "the database was closed with a checkpoint");
        } finally {
            release.countDown();
            System.setErr(original);
            System.err.print(err.toString(StandardCharsets.UTF_8));
            server.close(); // after the app's own close, this only deletes the folder
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(DEADLINE_MS, TimeUnit.MILLISECONDS)) throw new AssertionError("not reached in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
