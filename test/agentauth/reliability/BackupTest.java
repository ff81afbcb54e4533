package agentauth.reliability;

import agentauth.support.Sqlite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.crypto.MasterKey;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup FILE} while the server runs and rotates tokens; then serving from the copy. */
class BackupTest {
    @TempDir
    Path dir;

    @Test
    void an_online_backup_serves_the_same_users_keys_and_live_refresh_tokens() throws Exception {
        Path db = dir.resolve("agent-auth.db"), copy = dir.resolve("backup.db");
        String[] issuer = {"--issuer", "http://127.0.0.1"};
        AtomicBoolean stop = new AtomicBoolean();
        String live, access, jwks;
        List<String> users;
        try (JarProcess server = JarProcess.start(db, issuer)) {
            Http http = server.http();
            Http.Response login = http.login("admin", TestServer.ADMIN_PASSWORD);
            live = login.text("refresh_token");
            access = login.text("access_token");
            jwks = http.get("/.well-known/jwks.json").body();
            // Writes go on during the backup: another session rotates in a loop.
            String[] busy = {http.login("admin", TestServer.ADMIN_PASSWORD).text("refresh_token")};
            Thread load = new Thread(() -> {
                while (!stop.get()) busy[0] = http.postJson("/refresh", Http.json("refresh_token", busy[0])).text("refresh_token");
            });
            load.start();
            JarProcess.Result r = runJar(List.of("backup", copy.toString(), "--db", db.toString()));
            stop.set(true);
            load.join();
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains("the master key is not in the backup"), r.output());
            assertTrue(r.output().contains(MasterKey.fileFor(db).toString()), r.output());
            users = Sqlite.column(db, "SELECT username FROM users ORDER BY username");
            assertEquals(0, server.terminate());
        }
        assertEquals("ok", Sqlite.integrity(copy));
        Files.copy(MasterKey.fileFor(db), MasterKey.fileFor(copy));
        Files.move(db, dir.resolve("lost.db")); // the original is gone: only the copy is left

        try (JarProcess restored = JarProcess.start(copy, issuer)) {
            Http http = restored.http();
            assertEquals(users, Sqlite.column(copy, "SELECT username FROM users ORDER BY username"));
            assertEquals(jwks, http.get("/.well-known/jwks.json").body(), "the same signing keys");
            assertEquals(200, http.get("/me", "Authorization", Http.bearer(access)).status(), "tokens signed before verify");
            assertEquals(200, http.postJson("/refresh", Http.json("refresh_token", live)).status(), "a live refresh token works");
            assertEquals(200, http.login("admin", TestServer.ADMIN_PASSWORD).status());
            assertEquals(0, restored.terminate());
        }
    }

    @Test
    void backup_never_overwrites_a_file_and_never_creates_a_database() throws Exception {
        Path existing = dir.resolve("existing.db");
        Files.writeString(existing, "keep me");
        JarProcess.Result r = runJar(List.of("backup", existing.toString(), "--db", dir.resolve("none.db").toString()));
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("no database at"), r.output());
        assertTrue(Files.notExists(dir.resolve("none.db")));

        Path db = dir.resolve("agent-auth.db");
        try (JarProcess server = JarProcess.start(db)) {
            assertEquals(0, server.terminate());
        }
        JarProcess.Result again = runJar(List.of("backup", existing.toString(), "--db", db.toString()));
        assertEquals(1, again.code(), again.output());
        assertTrue(again.output().contains("never overwrites"), again.output());
        assertEquals("keep me", Files.readString(existing));
        assertEquals(0, runJar(List.of("backup", dir.resolve("cold.db").toString(), "--db", db.toString())).code(),
            "a stopped server's database is backed up too");
    }

    static JarProcess.Result runJar(List<String> args) {
        return JarProcess.run(args);
    }
}
