package agentauth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code backup FILE}: what it tells the operator. The copy itself: reliability/BackupTest. */
class BackupCommandTest {
    /** The steps of a restore, as both the command and the README's Restore section say them. */
    private static final List<String> STEPS = List.of("stop the server", "in place of the database file <db>",
        "delete <db>-wal and <db>-shm", "put the master key beside it as <db>.master-key, or set agent_auth_master_key",
        "start the server");

    @Test
    void the_restore_hint_and_the_readme_say_the_same_steps() throws Exception {
        String hint;
        try (TestServer server = TestServer.start()) {
            Path copy = server.dir().resolve("backup-1.db");
            Cli.Result r = Cli.run(Map.of(), "", "backup", copy.toString(), "--db", server.db().toString());
            assertEquals(0, r.code(), r.toString());
            hint = r.out().lines().filter(l -> l.startsWith("to restore: ")).findFirst().orElseThrow(() -> new AssertionError(r))
                .replace(copy.toAbsolutePath().toString(), "<backup>").replace(server.db().toAbsolutePath().toString(), "<db>")
                .toLowerCase(java.util.Locale.ROOT);
        }
        assertTrue(hint.startsWith("to restore: stop the server; put <backup> in place of"), hint);
        String readme = Files.readString(Path.of("README.md"));
        String restore = readme.substring(readme.indexOf("### Restore"), readme.indexOf("###", readme.indexOf("### Restore") + 3))
            .replace("`", "").replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
        int inHint = -1, inReadme = -1;
        for (String step : STEPS) { // the same steps, in the same order
            assertTrue(hint.indexOf(step) > inHint, "the hint says '" + step + "' next: " + hint);
            assertTrue(restore.indexOf(step) > inReadme, "the README says '" + step + "' next: " + restore);
            inHint = hint.indexOf(step);
            inReadme = restore.indexOf(step);
        }
    }
}
