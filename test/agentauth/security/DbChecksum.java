package agentauth.security;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HexFormat;

/** A SHA-256 over every row of the users and token tables, read through a separate connection. */
final class DbChecksum {
    private static final String[] TABLES = {"users", "families", "refresh_tokens", "signing_keys"};

    private DbChecksum() {}

    static String of(Path db) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String table : TABLES) {
                sha.update(table.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (ResultSet r = c.createStatement().executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
                    ResultSetMetaData m = r.getMetaData();
                    while (r.next()) {
                        for (int i = 1; i <= m.getColumnCount(); i++) {
                            byte[] v = r.getBytes(i);
                            sha.update(v == null ? new byte[] {0} : v);
                            sha.update((byte) 0x1F);
                        }
                        sha.update((byte) 0x1E);
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (SQLException | java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
