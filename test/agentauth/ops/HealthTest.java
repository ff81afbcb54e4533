package agentauth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Await;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /health is readiness (503 while the database is unreachable: a load balancer takes the
 * instance out), /health/live is liveness (200 while the process serves: a container's health
 * check must not restart every instance during a database outage).
 */
class HealthTest {
    @TempDir Path dir;

    @Test
    void liveness_stays_200_while_readiness_reports_the_lost_database() throws Exception {
        Path db = dir.resolve("agent-auth.db");
        try (JarProcess server = JarProcess.start(db)) {
            Http http = server.http();
            assertEquals(200, http.get("/health").status());
            Http.Response live = http.get("/health/live");
            assertEquals(200, live.status());
            assertEquals("ok", live.text("status"));
            assertEquals("no-store", live.header("Cache-Control"));
            assertEquals(200, http.send("HEAD", "/health/live", null, null).status());

            for (String suffix : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(Path.of(db + suffix));
            Await.until(() -> http.get("/health").status(), s -> s == 503, "readiness reports the lost database");
            assertEquals("temporarily_unavailable", http.get("/health").error());
            assertEquals(200, http.get("/health/live").status(), "liveness does not ask the database");
        }
    }
}
