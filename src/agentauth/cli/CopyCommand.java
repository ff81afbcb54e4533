package agentauth.cli;

import agentauth.ConfigException;
import agentauth.crypto.MasterKey;
import agentauth.store.Database;
import agentauth.store.DatabaseCopy;
import agentauth.store.SettingsStore;
import agentauth.store.postgres.PostgresDatabase;
import agentauth.store.postgres.PostgresUrl;
import agentauth.store.sqlite.ServerLock;
import agentauth.store.sqlite.SqliteDatabase;
import agentauth.store.sqlite.SqliteFiles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code copy --from FILE.db --to postgresql://...}: moves a SQLite database into an empty
 * PostgreSQL one, offline (no server may serve the file meanwhile: the copy holds its lock).
 * Agents keep their secrets and sessions, and tokens stay valid: the signing keys move sealed,
 * so the instances on PostgreSQL must run with the master key the file was made with, given as
 * {@code AGENT_AUTH_MASTER_KEY}; the copy checks that before it writes anything.
 */
public final class CopyCommand {
    static final String USAGE = "usage: copy --from FILE.db --to postgresql://host:port/db?user=NAME "
        + "(password in " + PostgresUrl.PASSWORD_ENV + ", the file's master key in " + MasterKey.ENV + ")";

    private CopyCommand() {}

    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        String from = option(args, "--from"), to = option(args, "--to");
        if (from == null || to == null || args.size() != 4) throw new ConfigException(USAGE);
        if (!PostgresUrl.isPostgres(to)) throw new ConfigException("--to must be a postgresql:// URL");
        PostgresUrl target;
        try {
            target = PostgresUrl.parse(to);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        Path file = Path.of(from);
        String problem = SqliteFiles.problem(file, false);
        if (problem != null) throw new ConfigException(problem);
        String key = env.get(MasterKey.ENV);
        if (key == null || key.isBlank())
            throw new ConfigException("set " + MasterKey.ENV + " to the master key of " + file + " (the content of "
                + MasterKey.fileFor(file) + " if it has a key file): the instances on PostgreSQL need it");
        MasterKey masterKey = MasterKey.load(env, null, false);
        ServerLock offline; // no server may write the file while it is copied
        try {
            offline = ServerLock.acquire(file);
        } catch (IllegalStateException e) {
            throw new ConfigException(e.getMessage().replace("stop it first", "stop it before copying"));
        }
        try (Database source = SqliteDatabase.openExisting(file, false)) {
            refuseOtherKey(source, masterKey, file);
            String password = env.getOrDefault(PostgresUrl.PASSWORD_ENV, "");
            try (Database destination = PostgresDatabase.open(target, password, 2, "copy")) {
                Map<String, Integer> rows = DatabaseCopy.copy(source, destination, Instant.now());
                out.println("copied " + file + " into " + target + ": " + rows.get("users") + " users, "
                    + rows.get("families") + " live sessions (" + rows.get("refresh_tokens") + " refresh tokens), "
                    + rows.get("signing_keys") + " signing keys, " + rows.get("audit_events") + " audit events; counts checked");
                out.println("start the instances with --db " + target.toString().replaceAll(" \\(user .*", "") + "?user="
                    + target.user() + " and this " + MasterKey.ENV);
                return 0;
            }
        } catch (IllegalStateException e) {
            err.println("agent-auth: copy failed, nothing was written: " + e.getMessage());
            return 1;
        } finally {
            offline.close();
        }
    }

    /** The key must open the file's check (or, for a file older than the check, it is checked by the first start). */
    private static void refuseOtherKey(Database source, MasterKey key, Path file) {
        String check = source.read(c -> new SettingsStore(source).get(c, "master_key_check").orElse(null));
        if (check != null && !key.opens(check))
            throw new ConfigException("master key does not match database: " + MasterKey.ENV + " is not the key " + file
                + " was made with");
    }

    private static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }
}
