package agentauth.cli;

import agentauth.Config;
import agentauth.ConfigException;
import agentauth.Flags;
import agentauth.crypto.MasterKey;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * {@code backup FILE [--db FILE]}: a consistent copy of the database while the server runs.
 * VACUUM INTO reads one snapshot (WAL lets the server go on writing meanwhile) and writes a
 * compact, self-contained file without a WAL. The source is opened read-only and never created.
 * The master key is not copied: it is a secret, and belongs in another place than the backup.
 */
public final class BackupCommand {
    private BackupCommand() {}

    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.contains("--help")) {
            err.println("usage: backup FILE [--db FILE]   (FILE must not exist yet)");
            return 0;
        }
        Flags.Parsed parsed = Flags.parse(args, Flags.withServerFlags());
        String target = parsed.word();
        if (target == null) throw new ConfigException("backup needs a FILE to write (see --help)");
        Path source = Config.from(parsed, env).db();
        Path copy = Path.of(target);
        if (!Files.isRegularFile(source)) {
            err.println("agent-auth: no database at " + source + " (use --db FILE)");
            return 1;
        }
        if (Files.exists(copy)) {
            err.println("agent-auth: " + copy + " exists; the backup never overwrites a file");
            return 1;
        }
        Path folder = copy.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            err.println("agent-auth: cannot write the backup " + copy + ": the directory " + folder + " does not exist");
            return 1;
        }
        try {
            // Owner-only from its first byte: VACUUM INTO writes into an empty file it finds there.
            agentauth.store.sqlite.SqliteFiles.createOwnerOnly(copy);
            vacuumInto(source, copy);
            String check = integrity(copy);
            if (!check.equals("ok")) {
                err.println("agent-auth: the copy failed its integrity check (" + check + "); " + copy + " is not usable");
                return 1;
            }
        } catch (SQLException | java.io.IOException e) {
            err.println("agent-auth: backup failed: " + e.getMessage());
            return 1;
        }
        out.println("backup written to " + copy + " (consistent snapshot of " + source + ")");
        String key = env.get(MasterKey.ENV) != null && !env.get(MasterKey.ENV).isBlank()
            ? "the same " + MasterKey.ENV + " value" : "the key file " + MasterKey.fileFor(source);
        out.println("the master key is not in the backup: its signing keys open only with " + key
            + "; keep a copy of that in your secret store, apart from the backup");
        out.println(restoreHint(copy, source));
        return 0;
    }

    /** The README's Restore section in one line, with this backup's paths. */
    private static String restoreHint(Path copy, Path db) {
        return "to restore: stop the server; put " + copy + " in place of the database file " + db + " and delete " + db
            + "-wal and " + db + "-shm; put the master key beside it as " + MasterKey.fileFor(db) + ", or set "
            + MasterKey.ENV + "; start the server";
    }

    private static void vacuumInto(Path source, Path copy) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        try (Connection c = config.createConnection("jdbc:sqlite:" + source.toAbsolutePath());
             Statement s = c.createStatement()) {
            s.execute("VACUUM INTO '" + copy.toAbsolutePath().toString().replace("'", "''") + "'");
        }
    }

    private static String integrity(Path db) throws SQLException {
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + db.toAbsolutePath());
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
            return r.next() ? r.getString(1) : "no answer";
        }
    }
}
