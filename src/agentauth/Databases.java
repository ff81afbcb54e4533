package agentauth;

import agentauth.store.Database;
import agentauth.store.postgres.PostgresDatabase;
import agentauth.store.postgres.PostgresUrl;
import agentauth.store.sqlite.SqliteDatabase;
import agentauth.store.sqlite.SqliteFiles;
import java.util.Map;

/** Opens the database the configuration names: a SQLite file, or PostgreSQL. */
public final class Databases {
    private Databases() {}

    /** For the server: the SQLite file is created when absent, and only one server may serve it. */
    public static Database serve(Config config, Map<String, String> env) {
        if (config.postgres() != null) return postgres(config, env);
        refuseBadPath(config, true);
        return SqliteDatabase.serve(config.db(), config.durable());
    }

    /** For a command (users, settings, ...): only the server creates a database, so a missing one is an error. */
    public static Database openExisting(Config config, Map<String, String> env) {
        if (config.postgres() != null) return postgres(config, env);
        refuseBadPath(config, false);
        return SqliteDatabase.openExisting(config.db(), config.durable());
    }

    private static void refuseBadPath(Config config, boolean mayCreate) {
        String problem = SqliteFiles.problem(config.db(), mayCreate);
        if (problem != null) throw new ConfigException(problem);
    }

    private static Database postgres(Config config, Map<String, String> env) {
        String password = env.get(PostgresUrl.PASSWORD_ENV);
        return PostgresDatabase.open(config.postgres(), password == null ? "" : password, config.dbPoolSize(),
            config.instanceId());
    }
}
