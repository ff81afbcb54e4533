package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Signing keys: public part in clear, private part sealed under the master key until the key
 * retires (then it is destroyed: an empty value). A key signs from {@code activates_at}; the
 * legacy {@code signing} flag is kept on the key that signs for releases that predate that.
 */
public final class SigningKeyStore {
    private static final byte[] DESTROYED = new byte[0];

    public record Row(String kid, Instant createdAt, Instant activatesAt, byte[] publicKey, byte[] sealedPrivateKey,
                      Instant tokensUntil, Instant retiredAt, Instant revokedAt) {
        public boolean hasPrivateKey() {
            return sealedPrivateKey != null && sealedPrivateKey.length > 0;
        }
    }

    private final Database db;

    public SigningKeyStore(Database db) {
        this.db = db;
    }

    public List<Row> all() {
        return db.read(this::all);
    }

    public List<Row> all(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        // COALESCE: a key inserted by a release before migration 10 activated when it was made
        try (PreparedStatement s = c.prepareStatement("SELECT kid, created_at, COALESCE(activates_at, created_at), public_key, "
            + "private_key, tokens_until, retired_at, revoked_at FROM signing_keys ORDER BY 3, kid");
             ResultSet r = s.executeQuery()) {
            while (r.next()) rows.add(new Row(r.getString(1), UserStore.instant(r, 2), UserStore.instant(r, 3), r.getBytes(4),
                r.getBytes(5), UserStore.instant(r, 6), UserStore.instant(r, 7), UserStore.instant(r, 8)));
        }
        return rows;
    }

    public void insert(Connection c, Row row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO signing_keys(kid, created_at, activates_at, public_key, "
            + "private_key, signing, tokens_until) VALUES (?, ?, ?, ?, ?, 0, ?)")) {
            s.setString(1, row.kid());
            s.setLong(2, row.createdAt().toEpochMilli());
            s.setLong(3, row.activatesAt().toEpochMilli());
            s.setBytes(4, row.publicKey());
            s.setBytes(5, row.sealedPrivateKey());
            s.setLong(6, row.tokensUntil().toEpochMilli());
            s.executeUpdate();
        }
    }

    /** The legacy flag on the key that signs now (what releases before migration 10 read). */
    public void markSigning(Connection c, String kid) throws SQLException {
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

    /** Destroys the private part of a key that signs no more; true for the one caller that did it. */
    public boolean retire(Connection c, String kid, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE signing_keys SET private_key = ?, retired_at = ?, signing = 0 "
            + "WHERE kid = ? AND retired_at IS NULL")) {
            s.setBytes(1, DESTROYED);
            s.setLong(2, now.toEpochMilli());
            s.setString(3, kid);
            return s.executeUpdate() > 0;
        }
    }

    public boolean revoke(Connection c, String kid, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE signing_keys SET revoked_at = ?, signing = 0, private_key = ? "
            + "WHERE kid = ? AND revoked_at IS NULL")) {
            s.setLong(1, now.toEpochMilli());
            s.setBytes(2, DESTROYED);
            s.setString(3, kid);
            return s.executeUpdate() > 0;
        }
    }

    /** True unless {@code kid} is in the table and not revoked. */
    public boolean revokedOrGone(Connection c, String kid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT revoked_at FROM signing_keys WHERE kid = ?")) {
            s.setString(1, kid);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) return true;
                r.getLong(1);
                return !r.wasNull();
            }
        }
    }

    /** Deletes keys whose last token expired (or that were revoked) before {@code cutoff}. */
    public int deleteGone(Connection c, Instant cutoff) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM signing_keys WHERE (retired_at IS NOT NULL AND tokens_until < ?) "
            + "OR revoked_at < ?")) {
            s.setLong(1, cutoff.toEpochMilli());
            s.setLong(2, cutoff.toEpochMilli());
            return s.executeUpdate();
        }
    }

    public void deleteAll(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM signing_keys")) {
            s.executeUpdate();
        }
    }
}
