package agentauth.reliability;

import agentauth.support.Await;
import agentauth.support.Sqlite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database file deleted or replaced under the running server: detected by its identity,
 * answered with 503 and one log line, and never silently replaced by a fresh database.
 */
class FileIdentityTest {
    @TempDir
    Path dir;

    @Test
    void a_database_deleted_under_the_running_server_is_answered_with_503_and_never_recreated() {
        Path db = dir.resolve("agent-auth.db");
        try (JarProcess server = JarProcess.start(db)) {
            Http http = server.http();
            String token = http.login("admin", TestServer.ADMIN_PASSWORD).text("refresh_token");
            for (String suffix : new String[] {"", "-wal", "-shm"}) deleteIfExists(Path.of(db + suffix));

            Http.Response refused = http.postJson("/refresh", Http.json("refresh_token", token));
            assertEquals(503, refused.status(), refused.body());
            assertEquals("temporarily_unavailable", refused.error());
            assertEquals(503, http.login("admin", TestServer.ADMIN_PASSWORD).status());
            Await.until(() -> http.get("/health").status(), s -> s == 503, "health reports the lost database");
            assertTrue(server.log().contains("was deleted while the server had it open"), server.log());
            assertEquals(1, count(server.log(), "was deleted while the server had it open"), "one log line, not one per request");
            assertFalse(Files.exists(db), "no fresh database was created in its place");
            assertEquals(0, server.terminate(), server.log());
            assertFalse(Files.exists(db), "not even at shutdown");
        }
    }

    @Test
    void a_database_replaced_under_the_running_server_is_answered_with_503() throws Exception {
        Path db = dir.resolve("agent-auth.db");
        try (JarProcess server = JarProcess.start(db)) {
            Http http = server.http();
            String token = http.login("admin", TestServer.ADMIN_PASSWORD).text("refresh_token");
            Path other = dir.resolve("other.db");
            Sqlite.execute(other, "CREATE TABLE t(x)");
            deleteIfExists(Path.of(db + "-wal")); // a stale WAL would be replayed onto the new file by any opener
            deleteIfExists(Path.of(db + "-shm"));
            Files.move(other, db, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            assertEquals(503, http.postJson("/refresh", Http.json("refresh_token", token)).status());
            Await.until(() -> http.get("/health").status(), s -> s == 503, "health reports the replaced database");
            assertTrue(server.log().contains("was replaced by another file"), server.log());
            assertEquals(0, server.terminate());
            assertEquals("[t]", Sqlite.column(db, "SELECT name FROM sqlite_master").toString(), "the new file was left alone");
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
        return n;
    }

    private static void deleteIfExists(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
