package agentauth.security;

import agentauth.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A SHA-256 over every row of the users, token and revocation tables, read as committed (through
 * the server's own database, so on SQLite and PostgreSQL alike).
 */
final class DbChecksum {
    private static final String[] TABLES = {"users", "families", "refresh_tokens", "signing_keys", "revocations"};

    private DbChecksum() {}

    static String of(TestServer server) {
        return server.app().database().read(c -> {
            MessageDigest sha = sha256();
            try (Statement s = c.createStatement()) {
                for (String table : TABLES) {
                    sha.update(table.getBytes(StandardCharsets.UTF_8));
                    try (ResultSet r = s.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
                        ResultSetMetaData m = r.getMetaData();
                        while (r.next()) {
                            for (int i = 1; i <= m.getColumnCount(); i++) {
                                sha.update(bytes(r.getObject(i)));
                                sha.update((byte) 0x1F);
                            }
                            sha.update((byte) 0x1E);
                        }
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        });
    }

    /** A value as bytes: blobs (SQLite) and bytea (PostgreSQL) as they are, anything else as its text. */
    private static byte[] bytes(Object value) {
        if (value == null) return new byte[] {0};
        if (value instanceof byte[] b) return b;
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
