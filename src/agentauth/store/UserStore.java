package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The users table. Names are unique ignoring ASCII case; rows keep the spelling given. */
public final class UserStore {
    private static final String COLUMNS = "id, uid, gen, username, password_hash, scopes, enabled, created_at, "
        + "updated_at, last_login_at, credentials_changed_at, credential_version, dpop_required, " + PolicyColumns.NAMES;
    /** How many columns {@link #columns} names. */
    static final int COLUMN_COUNT = COLUMNS.split(", ").length;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Database db;

    public UserStore(Database db) {
        this.db = db;
    }

    public static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    public Optional<User> find(String username) {
        return db.read(c -> find(c, username));
    }

    public Optional<User> find(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE username_key = ?")) {
            s.setString(1, key(username));
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        }
    }

    /** The user a token names by {@code uid}: never another user of the same name. */
    public Optional<User> findByUid(String uid) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE uid = ?")) {
                s.setString(1, uid);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(row(r)) : Optional.empty();
                }
            }
        });
    }

    public Optional<User> findById(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(row(r)) : Optional.empty();
            }
        }
    }

    public List<User> list() {
        return db.read(c -> {
            List<User> users = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users ORDER BY username_key");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) users.add(row(r));
            }
            return users;
        });
    }

    /**
     * Enabled users issued no token since {@code cutoff}, and neither created nor changed since
     * (an admin who re-enables an agent gives it a whole period to be used again).
     */
    public List<User> unusedSince(Connection c, Instant cutoff) throws SQLException {
        List<User> users = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE enabled = 1 AND created_at < ? "
            + "AND updated_at < ? AND (last_used_at IS NULL OR last_used_at < ?) ORDER BY username_key")) {
            for (int i = 1; i <= 3; i++) s.setLong(i, cutoff.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) users.add(row(r));
            }
        }
        return users;
    }

    public boolean isEmpty() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM users LIMIT 1"); ResultSet r = s.executeQuery()) {
                return !r.next();
            }
        });
    }

    /** Inserts a user; returns empty when the name is taken (ignoring case). */
    public Optional<User> insert(Connection c, String username, String passwordHash, List<String> scopes,
                                 boolean enabled, Instant now) throws SQLException {
        // ON CONFLICT, not find-then-insert: two instances inserting one name at once both pass a
        // find at READ COMMITTED, and the second insert would fail instead of answering "taken".
        try (PreparedStatement s = c.prepareStatement("INSERT INTO users(uid, username, username_key, password_hash, "
            + "scopes, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username_key) DO NOTHING")) {
            s.setString(1, newUid());
            s.setString(2, username);
            s.setString(3, key(username));
            s.setString(4, passwordHash);
            s.setString(5, String.join(" ", scopes));
            s.setInt(6, enabled ? 1 : 0);
            s.setLong(7, now.toEpochMilli());
            s.setLong(8, now.toEpochMilli());
            if (s.executeUpdate() == 0) return Optional.empty();
        }
        return find(c, username);
    }

    /** Writes every mutable field of {@code u} back; the caller decided what changed. */
    public void update(Connection c, User u) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE users SET password_hash = ?, scopes = ?, enabled = ?, "
            + "updated_at = ?, credentials_changed_at = ?, credential_version = ?, gen = ? WHERE id = ?")) {
            s.setString(1, u.passwordHash());
            s.setString(2, String.join(" ", u.scopes()));
            s.setInt(3, u.enabled() ? 1 : 0);
            s.setLong(4, u.updatedAt().toEpochMilli());
            setInstant(s, 5, u.credentialsChangedAt());
            s.setLong(6, u.credentialVersion());
            s.setLong(7, u.gen());
            s.setLong(8, u.id());
            s.executeUpdate();
        }
    }

    /** A rehash on login (stronger parameters) is not a credential change: old tokens stay valid. */
    /**
     * Replaces {@code oldHash} only: if the password was changed meanwhile (the rehash ran while the
     * admin API or the CLI set a new one), the new password stays.
     */
    public void replaceHash(Connection c, long id, String oldHash, String newHash) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?")) {
            s.setString(1, newHash);
            s.setLong(2, id);
            s.setString(3, oldHash);
            s.executeUpdate();
        }
    }

    public void touchLastLogin(Connection c, long id, Instant now) throws SQLException {
        setTime(c, id, "last_login_at", now);
    }

    /** A login is a use too: both times in one statement, on the login's path. */
    public void touchLogin(Connection c, long id, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE users SET last_login_at = ?, last_used_at = ? WHERE id = ?")) {
            s.setLong(1, now.toEpochMilli());
            s.setLong(2, now.toEpochMilli());
            s.setLong(3, id);
            s.executeUpdate();
        }
    }

    /** Writes the user's whole policy (contract C); the caller validated it. */
    public void updatePolicy(Connection c, long id, AgentPolicy policy) throws SQLException {
        PolicyColumns.write(c, id, policy);
    }

    /**
     * Records an issuance as the user's last use. Callers skip it while the recorded use is less
     * than a minute old, so a busy agent's refreshes do not each cost a write.
     */
    public void touchLastUsed(Connection c, long id, Instant now) throws SQLException {
        setTime(c, id, "last_used_at", now);
    }

    /** Sets one time column of a user's row; {@code column} is a constant of the caller's, never input. */
    static void setTime(Connection c, long id, String column, Instant t) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE users SET " + column + " = ? WHERE id = ?")) {
            s.setLong(1, t.toEpochMilli());
            s.setLong(2, id);
            s.executeUpdate();
        }
    }

    public void delete(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM users WHERE id = ?")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
    }

    /** Enabled users holding {@code scope}, for the last-admin guard. */
    public int countEnabledWithScope(Connection c, String scope) throws SQLException {
        int n = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT scopes FROM users WHERE enabled = 1");
             ResultSet r = s.executeQuery()) {
            while (r.next()) if (splitScopes(r.getString(1)).contains(scope)) n++;
        }
        return n;
    }

    /** Sets whether the agent must use DPoP (contract D); the caller bumps its generation. */
    public void setDpopRequired(Connection c, long id, boolean required) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE users SET dpop_required = ? WHERE id = ?")) {
            s.setInt(1, required ? 1 : 0);
            s.setLong(2, id);
            s.executeUpdate();
        }
    }

    /** Bumps a user's generation (its live access tokens die) without any other change. */
    public void bumpGen(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE users SET gen = gen + 1 WHERE id = ?")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
    }

    private static User row(ResultSet r) throws SQLException {
        return row(r, 1);
    }

    /** The user's columns as {@link #row} reads them, from the table named {@code alias} (another store's join). */
    static String columns(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    /** A user read by {@link #columns}, whose first column is {@code from}; null when the join found none. */
    static User row(ResultSet r, int from) throws SQLException {
        int o = from - 1;
        long id = r.getLong(o + 1);
        if (r.wasNull()) return null;
        return new User(id, r.getString(o + 2), r.getLong(o + 3), r.getString(o + 4), r.getString(o + 5),
            splitScopes(r.getString(o + 6)), r.getInt(o + 7) == 1, instant(r, o + 8), instant(r, o + 9), instant(r, o + 10),
            instant(r, o + 11), r.getLong(o + 12), PolicyColumns.read(r, o + 14), PolicyColumns.lastUsed(r, o + 14),
            r.getInt(o + 13) == 1);
    }

    /** 128 random bits in hex: not derived from the name, never reused. */
    private static String newUid() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    static List<String> splitScopes(String s) {
        return s == null || s.isEmpty() ? List.of() : List.copyOf(Arrays.asList(s.split(" ")));
    }

    static Instant instant(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static void setInstant(PreparedStatement s, int index, Instant t) throws SQLException {
        if (t == null) s.setNull(index, Types.INTEGER);
        else s.setLong(index, t.toEpochMilli());
    }
}
