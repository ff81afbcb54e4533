package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A kill made after a restore must reach the verifiers that polled the list before it. They keep
 * the highest version they saw (contract B) and ask with its ETag, so the restored database's
 * list must never answer under a version they have seen, or below it. Restored as the docs say:
 * SQLite from the {@code backup} command's file, PostgreSQL with pg_dump and pg_restore.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class RestoredRevocationListTest {
    @Parameter
    Backend backend;
    @TempDir
    Path dir;

    @Test
    void a_kill_after_a_restore_is_served_under_a_version_no_verifier_has_seen() throws Exception {
        Backend.Storage storage = backend.fresh(dir);
        Path backup = dir.resolve("backup");
        JarProcess server = JarProcess.start(storage);
        try {
            createUser(server.http(), "killed-before-restore");
            createUser(server.http(), "killed-after-restore");
            takeBackup(storage, backup);
            Http.Response seen = kill(server.http(), "killed-before-restore"); // what a verifier polled last
            assertEquals(0, server.terminate());

            Backend.Storage restored = restore(storage, backup);
            server = JarProcess.start(restored);
            Http.Response after = kill(server.http(), "killed-after-restore");
            Http.Response poll = server.http().get("/revocations", "If-None-Match", seen.header("ETag"));
            assertEquals(200, poll.status(), "a 304 leaves the verifier with a list that lacks the new kill");
            assertTrue(after.json().get("version").asLong() > seen.json().get("version").asLong(),
                "an older version is ignored as a lagging instance's: " + after.body() + " after " + seen.body());
        } finally {
            server.close();
        }
    }

    static void createUser(Http http, String name) {
        Http.Response r = http.postJson("/admin/api/users", Http.json("username", name, "password", name + "-secret",
            "scopes", List.of("read")), "Authorization", admin(http));
        assertEquals(201, r.status(), r.body());
    }

    /** Kills {@code name} and returns the first revocation list that shows it (one subject more than before). */
    static Http.Response kill(Http http, String name) throws InterruptedException {
        int before = http.get("/revocations").json().get("subjects").size();
        Http.Response r = http.postJson("/admin/api/users/" + name + "/kill", "{}", "Authorization", admin(http));
        assertEquals(200, r.status(), r.body());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Http.Response list = http.get("/revocations");
            if (list.json().get("subjects").size() > before) return list;
            Thread.sleep(50);
        }
        throw new AssertionError("the kill of " + name + " never showed in /revocations");
    }

    static String admin(Http http) {
        return Http.bearer(http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token"));
    }

    /** The backup an operator takes while the server runs. */
    void takeBackup(Backend.Storage storage, Path backup) throws Exception {
        if (backend == Backend.SQLITE) {
            JarProcess.Result r = JarProcess.run(List.of("backup", backup.toString(), "--db", storage.db()));
            assertEquals(0, r.code(), r.output());
        } else {
            tool(storage, "pg_dump", "--format=custom", "--file=" + backup, storage.db());
        }
    }

    /** The restore steps, with the server stopped: the storage to start it on again. */
    Backend.Storage restore(Backend.Storage storage, Path backup) throws Exception {
        if (backend == Backend.SQLITE) {
            Path db = Path.of(storage.db());
            Files.copy(backup, db, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(Path.of(db + "-wal"));
            Files.deleteIfExists(Path.of(db + "-shm"));
            return storage;
        }
        // A new, empty database on the same server, under the same role, master key and password.
        Backend.Storage empty = Backend.POSTGRES.fresh(dir);
        assertNotEquals(storage.db(), empty.db());
        Backend.Storage restored = new Backend.Storage(empty.db(), storage.env());
        tool(restored, "pg_restore", "--no-owner", "--single-transaction", "--exit-on-error", "--dbname=" + restored.db(),
            backup.toString());
        return restored;
    }

    /** Runs a PostgreSQL client program with the database's password in PGPASSWORD. */
    static void tool(Backend.Storage storage, String... command) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().put("PGPASSWORD", storage.env().get("AGENT_AUTH_DB_PASSWORD"));
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command[0] + " did not finish");
        assertEquals(0, p.exitValue(), command[0] + ": " + out);
    }
}
