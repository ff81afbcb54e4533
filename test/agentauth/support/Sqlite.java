package agentauth.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Looks into a database file from the outside, as an operator with the sqlite3 shell would. */
public final class Sqlite {
    private Sqlite() {}

    /** The first column of every row of {@code sql}, as text. */
    public static List<String> column(Path db, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (r.next()) out.add(r.getString(1));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static String one(Path db, String sql) {
        List<String> rows = column(db, sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    public static void execute(Path db, String... statements) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath()); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** PRAGMA integrity_check: "ok" or the problems found. */
    public static String integrity(Path db) {
        return String.join("; ", column(db, "PRAGMA integrity_check"));
    }
}
