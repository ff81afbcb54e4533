package agentauth.reliability;

import agentauth.support.Sqlite;
import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running server copies committed writes from the WAL into the database file from its
 * housekeeping thread, instead of leaving it to the writer every 1,000 pages.
 */
class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void a_committed_write_reaches_the_database_file_itself_within_moments() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.createUser("checkpointed-agent", "checkpointed-secret-1", "agent");
            // The main file alone, as if the WAL were lost: only a checkpoint puts the user there.
            // A few pages of writes are far below SQLite's own threshold, so nothing else would.
            // The bound is a safety net for a loaded machine; the checkpoint runs every 100 ms.
            String count = "0";
            long deadline = System.nanoTime() + 60_000_000_000L;
            for (int i = 0; !count.equals("1") && System.nanoTime() < deadline; i++) {
                Thread.sleep(50);
                Path copy = dir.resolve("copy-" + i + ".db");
                Files.copy(server.db(), copy, StandardCopyOption.REPLACE_EXISTING);
                try {
                    boolean hasUsers = Sqlite.one(copy, "SELECT count(*) FROM sqlite_master WHERE name = 'users'").equals("1");
                    if (hasUsers) count = Sqlite.one(copy, "SELECT count(*) FROM users WHERE username = 'checkpointed-agent'");
                } catch (RuntimeException e) {
                    // a copy taken while a checkpoint wrote pages may be torn: not there yet, copy again
                }
                Files.delete(copy);
            }
            assertEquals("1", count, "the user reached the database file within 60 s");
        }
    }
}
