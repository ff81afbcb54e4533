package agentauth.store;

import java.time.Instant;
import java.util.List;

/** A refresh-token family: one login's chain of single-use refresh tokens. */
public record Family(String id, long userId, List<String> scope, String audience, Instant createdAt,
                     Instant expiresAt, Instant revokedAt, String dpopJkt) {
    /** A family not bound to a DPoP key. */
    public Family(String id, long userId, List<String> scope, String audience, Instant createdAt, Instant expiresAt,
                  Instant revokedAt) {
        this(id, userId, scope, audience, createdAt, expiresAt, revokedAt, null);
    }
}
