package agentauth.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The DPoP proofs accepted by every instance on this database (RFC 9449 §11.1): each
 * (key thumbprint, jti) once, kept until the proof could no longer be accepted anyway.
 */
public final class DpopProofStore {
    private final Database db;

    public DpopProofStore(Database db) {
        this.db = db;
    }

    /**
     * Records a proof; true when (jkt, jti) was not recorded before. One conditional statement:
     * of two instances recording one proof at once, exactly one wins. An entry that has expired
     * but was not pruned yet is taken over, as a proof that old is refused by its iat anyway.
     */
    public boolean firstUse(String jkt, String jti, Instant expiresAt, Instant now) {
        return db.write(c -> firstUse(c, jkt, jti, expiresAt, now));
    }

    /** As above, in the caller's transaction: with what the proof authorizes, so a refusal rolls both back. */
    public boolean firstUse(Connection c, String jkt, String jti, Instant expiresAt, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO dpop_proofs(jkt, jti, expires_at) VALUES (?, ?, ?) "
            + "ON CONFLICT (jkt, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE dpop_proofs.expires_at < ?")) {
            s.setString(1, jkt);
            s.setString(2, jti);
            s.setLong(3, expiresAt.toEpochMilli());
            s.setLong(4, now.toEpochMilli());
            return s.executeUpdate() == 1;
        }
    }

    /** Deletes the proofs that can no longer be accepted; returns how many. */
    public int prune(Instant now) {
        return db.write(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM dpop_proofs WHERE expires_at < ?")) {
                s.setLong(1, now.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }
}
