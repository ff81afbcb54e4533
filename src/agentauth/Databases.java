package agentauth;

import agentauth.store.Database;
import agentauth.store.postgres.PostgresDatabase;
import agentauth.store.postgres.PostgresUrl;
import agentauth.store.sqlite.SqliteDatabase;
import java.util.Map;

/** Opens the database the configuration names: a SQLite file, or PostgreSQL. */
public final class Databases {
    private Databases() {}

    public static Database open(Config config, Map<String, String> env) {
        if (config.postgres() == null) return SqliteDatabase.open(config.db(), config.durable());
        String password = env.get(PostgresUrl.PASSWORD_ENV);
        return PostgresDatabase.open(config.postgres(), password == null ? "" : password, config.dbPoolSize(),
            config.instanceId());
    }
}
