package agentauth.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.JarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files of a SQLite database as the server makes them, and the one-line refusals around them. */
class SqliteFilesTest {
    @TempDir
    Path dir;

    static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void the_database_its_wal_and_shm_and_the_lock_file_are_owner_only() throws Exception {
        Path db = dir.resolve("agent-auth.db");
        try (JarProcess server = JarProcess.start(db)) {
            assertEquals(200, server.http().login("admin", agentauth.support.TestServer.ADMIN_PASSWORD).status());
            for (String suffix : List.of("", "-wal", "-shm", ".lock", ".master-key"))
                assertEquals("rw-------", mode(dir.resolve("agent-auth.db" + suffix)), "agent-auth.db" + suffix);
        }
    }

    @Test
    void a_second_server_on_one_file_exits_with_one_line_naming_the_file_and_the_first_server() {
        Path db = dir.resolve("agent-auth.db");
        try (JarProcess first = JarProcess.start(db); JarProcess second = JarProcess.launch(db)) {
            assertEquals(1, second.await());
            String log = second.log().strip();
            assertTrue(log.contains("another agent-auth server (pid " + first.pid() + ") is serving " + db), log);
            assertFalse(log.contains("\tat "), "no stack trace: " + log);
            assertEquals(200, first.http().get("/health").status(), "the first server goes on");
        }
    }

    @Test
    void a_folder_or_a_file_in_a_missing_folder_is_refused_with_one_line() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("a-folder"));
        JarProcess.Result r = JarProcess.run(List.of("--port", "0", "--db", folder.toString()));
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().strip().endsWith(folder + " is a folder, not a database file (--db names the file)"), r.output());
        assertEquals(1, r.output().strip().lines().filter(l -> l.startsWith("agent-auth:")).count(), r.output());

        Path missing = dir.resolve("no-such-folder").resolve("x.db");
        r = JarProcess.run(List.of("--port", "0", "--db", missing.toString()));
        assertEquals(2, r.code(), r.output());
        assertTrue(r.output().contains("the folder " + missing.getParent() + " of the database does not exist"), r.output());
        assertFalse(r.output().contains("SQLITE_CANTOPEN"), r.output());
    }
}
