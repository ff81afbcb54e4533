package agentauth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.crypto.MasterKey;
import agentauth.support.JarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 items 1, 6, 7 and 8, from the command line: only the server creates a database, files
 * are owner-only, a bad --db path is one line, and one SQLite file has one server. The messages
 * are the ones the store change is to print; enable each test as it lands.
 */
class DatabaseFilesTest {
    @TempDir
    Path dir;

    /** The lines a command printed that speak to the operator (not the log's timestamped lines). */
    private static List<String> said(String output) {
        return output.lines().filter(l -> l.startsWith("agent-auth:")).toList();
    }

    @Test
    void a_subcommand_on_a_missing_file_exits_with_one_line_and_creates_nothing() {
        Path none = dir.resolve("none.db");
        for (String[] args : new String[][] {{"users", "list"}, {"users", "disable", "bob"}, {"users", "unthrottle", "bob"}}) {
            List<String> command = new java.util.ArrayList<>(List.of(args));
            command.addAll(List.of("--db", none.toString()));
            Cli.Result r = Cli.run(Map.of(), "", command.toArray(String[]::new));
            assertEquals(2, r.code(), r.toString());
            assertEquals(List.of("agent-auth: there is no database at " + none + " (check --db; only the server creates one)"),
                r.errLines());
            assertFalse(r.err().contains("creating a new database"), r.err());
            assertTrue(Files.notExists(none) && Files.notExists(Path.of(none + "-wal")), "no file was left behind");
        }
    }

    @Test
    void the_database_its_wal_and_shm_the_key_file_and_backups_are_owner_only() throws Exception {
        Path db = dir.resolve("agent-auth.db"), copy = dir.resolve("backup.db");
        try (JarProcess server = JarProcess.start(db)) {
            assertEquals(0, Cli.run(Map.of(), "", "backup", copy.toString(), "--db", db.toString()).code());
            for (Path p : List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"), MasterKey.fileFor(db), copy))
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            assertEquals(0, server.terminate());
        }
    }

    @Test
    void a_db_path_that_is_a_directory_or_in_a_missing_directory_is_one_line() throws Exception {
        Path missing = dir.resolve("no-such-dir").resolve("t.db");
        String[][] cases = {
            {dir.toString(), "agent-auth: " + dir + " is a folder, not a database file (--db names the file)"},
            {missing.toString(), "agent-auth: the folder " + missing.getParent() + " of the database does not exist"}};
        for (String[] c : cases) {
            JarProcess server = JarProcess.launch(Path.of(c[0]));
            assertNotEquals(0, server.await(), server.log());
            assertEquals(List.of(c[1]), said(server.log()), server.log());
            assertFalse(server.log().contains("creating a new database") || server.log().contains("SQLITE_CANTOPEN"), server.log());
        }
        Path db = dir.resolve("agent-auth.db");
        try (JarProcess server = JarProcess.start(db)) {
            assertEquals(0, server.terminate());
        }
        Cli.Result backup = Cli.run(Map.of(), "", "backup", missing.toString(), "--db", db.toString());
        assertEquals(1, backup.code(), backup.toString());
        assertEquals(List.of("agent-auth: cannot write the backup " + missing + ": the directory " + missing.getParent()
            + " does not exist"), backup.errLines());
    }

    @Test
    void a_second_server_on_one_file_exits_naming_the_file_and_the_first_while_users_and_backup_still_work() {
        Path db = dir.resolve("agent-auth.db");
        try (JarProcess first = JarProcess.start(db)) {
            JarProcess second = JarProcess.launch(db);
            assertNotEquals(0, second.await(), second.log());
            assertEquals(List.of("agent-auth: cannot start: another agent-auth server (pid " + first.pid() + ") is serving " + db
                + "; stop it first (users and backup may run beside it)"), said(second.log()), second.log());

            Cli.Result list = Cli.run(Map.of(), "", "users", "list", "--db", db.toString());
            assertEquals(0, list.code(), list.toString());
            assertTrue(list.out().contains("admin"), list.out());
            assertEquals(0, Cli.run(Map.of(), "", "backup", dir.resolve("b.db").toString(), "--db", db.toString()).code());
            assertEquals(200, first.http().get("/health").status(), "the first server serves on");
            assertEquals(0, first.terminate());
        }
    }
}
