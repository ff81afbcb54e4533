package agentauth.reliability;

import agentauth.metrics.Scraper;
import agentauth.support.Sqlite;
import agentauth.support.RawRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Await;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM: stop accepting, answer the requests in flight, close the database, exit 0. */
class ShutdownTest {
    @TempDir
    Path dir;

    @Test
    void sigterm_answers_a_refresh_in_flight_refuses_new_connections_and_exits_0() throws Exception {
        Path db = dir.resolve("agent-auth.db");
        JarProcess server = JarProcess.start(db, "--metrics-port", "0");
        try {
            java.util.regex.Matcher port = java.util.regex.Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics")
                .matcher(server.log());
            assertTrue(port.find(), server.log());
            Scraper metrics = new Scraper(Integer.parseInt(port.group(1)));
            Http http = server.http();
            String token = http.login("admin", TestServer.ADMIN_PASSWORD).text("refresh_token");
            // Another process holds the write lock, so the refresh waits inside the server (up to
            // its 5 s busy timeout) until the test lets go: a refresh in flight, on demand.
            try (Connection lock = DriverManager.getConnection("jdbc:sqlite:" + db);
                 RawRequest inFlight = new RawRequest(server.url(), "/refresh", Http.json("refresh_token", token))) {
                lock.createStatement().execute("BEGIN IMMEDIATE");
                inFlight.sendAll();
                // Once the server counts it in flight, the signal cannot overtake it on the wire.
                Await.until(() -> metrics.value("agentauth_http_requests_in_flight"), n -> n >= 1, "the refresh reaching the server");
                server.signalTerm();
                assertTrue(server.awaitLog("stopping:", 20), server.log());
                assertTrue(refusesNewConnections(http), "a stopping server accepts no new connections");
                assertTrue(server.isAlive(), "it waits for the request in flight");
                lock.createStatement().execute("COMMIT");

                String answer = inFlight.answer();
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                String next = new ObjectMapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4))
                    .get("refresh_token").asText();
                assertEquals(0, server.await(), server.log());
                assertTrue(server.log().contains("stopped: database closed cleanly"), server.log());
                assertEquals("ok", Sqlite.integrity(db));
                assertFalse(Files.exists(Path.of(db + "-wal")) && Files.size(Path.of(db + "-wal")) > 0,
                    "the WAL was checkpointed into the database file");

                server = JarProcess.start(db);
                assertEquals(200, server.http().postJson("/refresh", Http.json("refresh_token", next)).status(),
                    "the rotation answered during the stop was committed");
                assertEquals(0, server.terminate());
            }
        } finally {
            server.close();
        }
    }

    /** True once a new connection is refused (the connector is closed), within 10 s. */
    private static boolean refusesNewConnections(Http http) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try {
                http.get("/health");
            } catch (UncheckedIOException e) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
