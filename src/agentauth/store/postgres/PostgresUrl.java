package agentauth.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A PostgreSQL database as {@code --db} names it: {@code postgresql://host[:port]/db?user=NAME}
 * (also {@code jdbc:postgresql://...}). The password never comes from the URL, which ends up in
 * shell histories, process lists and logs: a URL holding one is refused, and the password is
 * read from {@code AGENT_AUTH_DB_PASSWORD} only.
 */
public record PostgresUrl(String host, int port, String database, String user, String query) {
    public static final String PASSWORD_ENV = "AGENT_AUTH_DB_PASSWORD";

    /** True when {@code db} names PostgreSQL rather than a SQLite file. */
    public static boolean isPostgres(String db) {
        String d = db.toLowerCase(Locale.ROOT);
        return d.startsWith("postgresql://") || d.startsWith("postgres://") || d.startsWith("jdbc:postgresql://");
    }

    /** @throws IllegalArgumentException naming what is wrong (never echoing a password) */
    public static PostgresUrl parse(String db) {
        String text = db.regionMatches(true, 0, "jdbc:", 0, 5) ? db.substring(5) : db;
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--db is not a postgresql://host:port/database URL");
        }
        if (u.getRawUserInfo() != null && u.getRawUserInfo().contains(":"))
            throw new IllegalArgumentException("--db must not contain a password: set " + PASSWORD_ENV);
        String host = u.getHost();
        String path = u.getPath() == null ? "" : u.getPath();
        if (host == null || path.length() < 2 || path.indexOf('/', 1) >= 0)
            throw new IllegalArgumentException("--db must look like postgresql://host:port/database?user=NAME");
        String user = u.getUserInfo();
        StringBuilder rest = new StringBuilder();
        if (u.getRawQuery() != null) {
            for (String pair : u.getRawQuery().split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (name.equalsIgnoreCase("password"))
                    throw new IllegalArgumentException("--db must not contain a password: set " + PASSWORD_ENV);
                if (name.equals("user")) user = value;
                else rest.append(rest.length() == 0 ? "" : "&").append(pair);
            }
        }
        if (user == null || user.isEmpty()) throw new IllegalArgumentException("--db needs a user: postgresql://host:port/database?user=NAME");
        return new PostgresUrl(host, u.getPort() < 0 ? 5432 : u.getPort(), path.substring(1), user, rest.toString());
    }

    /** The JDBC URL, without user and password (HikariCP passes those separately). */
    public String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database + (query.isEmpty() ? "" : "?" + query);
    }

    /** For logs and messages: where, as whom; never a password. */
    @Override
    public String toString() {
        return "postgresql://" + host + ":" + port + "/" + database + " (user " + user + ")";
    }
}
