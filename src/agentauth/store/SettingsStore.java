package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Named values every instance on one database shares (the settings table). */
public final class SettingsStore {
    private final Database db;

    public SettingsStore(Database db) {
        this.db = db;
    }

    public Optional<String> get(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT value FROM settings WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    public void put(Connection c, String name, String value, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO settings(name, value, updated_at) VALUES (?, ?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")) {
            s.setString(1, name);
            s.setString(2, value);
            s.setLong(3, now.toEpochMilli());
            s.executeUpdate();
        }
    }

    /** Every setting, by name. */
    public Map<String, String> all() {
        return db.read(c -> {
            Map<String, String> out = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT name, value FROM settings ORDER BY name");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) out.put(r.getString(1), r.getString(2));
            }
            return out;
        });
    }
}
