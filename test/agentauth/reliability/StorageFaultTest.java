package agentauth.reliability;

import agentauth.support.Sqlite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk and a read-only filesystem, for real: the database lives on a small tmpfs the
 * test mounts. Writes answer 503 temporarily_unavailable with a log line, reads are served,
 * nothing is half-written, and service resumes by itself when the fault clears.
 */
class StorageFaultTest {
    @TempDir
    Path dir;

    @Test
    void a_full_disk_answers_writes_with_503_serves_reads_and_recovers_when_space_is_freed() throws Exception {
        assumeTrue(Mounts.available(dir), "needs root to mount a tmpfs");
        try (Mounts disk = Mounts.tmpfs(dir.resolve("disk"), "6m")) {
            Path db = disk.dir().resolve("agent-auth.db");
            try (JarProcess server = JarProcess.start(db)) {
                Http http = server.http();
                Http.Response login = http.login("admin", TestServer.ADMIN_PASSWORD);
                String token = login.text("refresh_token"), access = login.text("access_token");

                Path filler = disk.dir().resolve("filler");
                fill(filler);
                Http.Response refused = null;
                // The WAL's pages already on disk are reused once checkpointed, and the database file
                // grows only as checkpoints copy pages back: it takes as many commits as that space holds.
                for (int i = 0; i < 2000 && refused == null; i++) {
                    Http.Response r = refresh(http, token);
                    if (r.status() == 200) token = r.text("refresh_token");
                    else refused = r;
                }
                assertNotNull(refused, "no write failed on a full disk");
                assertEquals(503, refused.status(), refused.body());
                assertEquals("temporarily_unavailable", refused.error());
                assertNotNull(refused.header("Retry-After"));
                assertTrue(server.awaitLog("storage unavailable: the disk is full", 5), server.log());

                assertEquals(200, http.get("/health").status(), "reads still work");
                assertEquals(200, http.get("/me", "Authorization", Http.bearer(access)).status());
                assertEquals(200, http.get("/.well-known/jwks.json").status());
                // (A further write may succeed even now: once the WAL is checkpointed, SQLite
                // reuses its space from the start, which needs no new blocks.)

                Files.delete(filler);
                Http.Response resumed = refresh(http, token);
                assertEquals(200, resumed.status(), "the refused token was not consumed; service resumed: " + resumed.body());
                assertTrue(server.awaitLog("storage available again", 5), server.log());
                assertEquals(0, server.terminate());
            }
            assertEquals("ok", Sqlite.integrity(db));
        }
    }

    @Test
    void a_read_only_filesystem_serves_reads_refuses_writes_and_recovers_when_writable_again() throws Exception {
        assumeTrue(Mounts.available(dir), "needs root to mount a tmpfs");
        try (Mounts disk = Mounts.tmpfs(dir.resolve("disk"), "16m")) {
            Path db = disk.dir().resolve("agent-auth.db");
            String token, access;
            String[] sameIssuer = {"--issuer", "http://127.0.0.1"}; // the port changes; access tokens must still verify
            try (JarProcess server = JarProcess.start(db, sameIssuer)) {
                Http.Response login = server.http().login("admin", TestServer.ADMIN_PASSWORD);
                token = login.text("refresh_token");
                access = login.text("access_token");
                server.kill(); // leaves the -wal and -shm files, without which SQLite cannot read a WAL database read-only
            }
            // Linux refuses to make a filesystem read-only while a file on it is open for
            // writing, and SQLite holds its files open: so the fault is in place at start (as
            // after a crash and a remount by the kernel on disk errors) and clears while the
            // server runs.
            disk.readOnly();
            try (JarProcess server = JarProcess.start(db, sameIssuer)) {
                Http http = server.http();
                assertEquals(200, http.get("/health").status(), server.log());
                assertEquals(200, http.get("/me", "Authorization", Http.bearer(access)).status(), server.log());
                Http.Response refused = refresh(http, token);
                assertEquals(503, refused.status(), refused.body());
                assertEquals("temporarily_unavailable", refused.error());
                assertEquals(503, http.login("admin", TestServer.ADMIN_PASSWORD).status());
                assertTrue(server.awaitLog("storage unavailable: the database file is read-only", 5), server.log());

                disk.readWrite();
                Http.Response resumed = refresh(http, token);
                assertEquals(200, resumed.status(), resumed.body() + "\n" + server.log());
                assertEquals(0, server.terminate());
            }
            assertEquals("ok", Sqlite.integrity(db));
        }
    }

    static Http.Response refresh(Http http, String token) {
        return http.postJson("/refresh", Http.json("refresh_token", token));
    }

    /** Writes until the filesystem has no space left. */
    private static void fill(Path filler) {
        byte[] chunk = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) out.write(chunk);
        } catch (IOException e) {
            // no space left: that was the point
        }
    }
}
