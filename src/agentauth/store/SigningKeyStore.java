package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Signing keys: public part in clear, private part sealed under the master key. */
public final class SigningKeyStore {
    public record Row(String kid, Instant createdAt, byte[] publicKey, byte[] sealedPrivateKey, boolean signing,
                      Instant tokensUntil, Instant revokedAt) {}

    private final Database db;

    public SigningKeyStore(Database db) {
        this.db = db;
    }

    public List<Row> all() {
        return db.read(this::all);
    }

    public List<Row> all(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT kid, created_at, public_key, private_key, signing, "
            + "tokens_until, revoked_at FROM signing_keys ORDER BY created_at, kid");
             ResultSet r = s.executeQuery()) {
            while (r.next()) rows.add(new Row(r.getString(1), UserStore.instant(r, 2), r.getBytes(3), r.getBytes(4),
                r.getInt(5) == 1, UserStore.instant(r, 6), UserStore.instant(r, 7)));
        }
        return rows;
    }

    public void insert(Connection c, Row row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO signing_keys(kid, created_at, public_key, "
            + "private_key, signing, tokens_until) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, row.kid());
            s.setLong(2, row.createdAt().toEpochMilli());
            s.setBytes(3, row.publicKey());
            s.setBytes(4, row.sealedPrivateKey());
            s.setInt(5, row.signing() ? 1 : 0);
            s.setLong(6, row.tokensUntil().toEpochMilli());
            s.executeUpdate();
        }
    }

    /** Makes {@code kid} the only signing key. */
    public void makeSigning(Connection c, String kid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE signing_keys SET signing = CASE WHEN kid = ? THEN 1 ELSE 0 END")) {
            s.setString(1, kid);
            s.executeUpdate();
        }
    }

    /** Raises the recorded expiry of the last token a key may have signed (never lowers it). */
    public void extendTokensUntil(Connection c, String kid, Instant until) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE signing_keys SET tokens_until = CASE WHEN tokens_until > ? THEN tokens_until ELSE ? END WHERE kid = ?")) {
            s.setLong(1, until.toEpochMilli());
            s.setLong(2, until.toEpochMilli());
            s.setString(3, kid);
            s.executeUpdate();
        }
    }

    /** Sets the exact bound once a key stops signing (the stored one had headroom). */
    public void setTokensUntil(Connection c, String kid, Instant until) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE signing_keys SET tokens_until = ? WHERE kid = ?")) {
            s.setLong(1, until.toEpochMilli());
            s.setString(2, kid);
            s.executeUpdate();
        }
    }

    public boolean revoke(Connection c, String kid, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
            "UPDATE signing_keys SET revoked_at = ?, signing = 0 WHERE kid = ? AND revoked_at IS NULL")) {
            s.setLong(1, now.toEpochMilli());
            s.setString(2, kid);
            return s.executeUpdate() > 0;
        }
    }

    public void deleteAll(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM signing_keys")) {
            s.executeUpdate();
        }
    }
}
