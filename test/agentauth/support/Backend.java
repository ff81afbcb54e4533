package agentauth.support;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The databases agent-auth runs on. Tests that must hold on both take this as a parameter
 * ({@code @ParameterizedClass @EnumSource(Backend.class)}); PostgreSQL is a real server
 * ({@link Postgres}), skipped with a line outside CI when it is missing, a failure under CI=true.
 */
public enum Backend {
    SQLITE, POSTGRES;

    /** A fresh, empty database: the {@code --db} value and what the server's environment needs for it. */
    public record Storage(String db, Map<String, String> env) {}

    /** A fresh database for a server whose files go to {@code dir}. */
    public Storage fresh(Path dir) {
        if (this == SQLITE) return new Storage(dir.resolve("agent-auth.db").toString(), Map.of());
        Postgres.Database pg = Postgres.freshDatabase();
        Map<String, String> env = new HashMap<>(pg.env());
        env.put("AGENT_AUTH_MASTER_KEY", randomKey()); // instances of one database share it
        return new Storage(pg.url(), Map.copyOf(env));
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
