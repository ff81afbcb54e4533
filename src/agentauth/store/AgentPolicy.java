package agentauth.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An agent's own limits (contract C); a null field means the server's default. Validation is
 * {@code user.PolicyRules}'s: this is the row as stored.
 *
 * @param resources   the RFC 8707 audiences it may ask for (the issuer included only when listed)
 * @param expiresAt   the identity's own end: no token outlives it, no login or refresh after it
 * @param quota       access tokens it may be issued in a rolling hour and day, or null
 */
public record AgentPolicy(Duration accessTtl, Duration refreshTtl, List<String> resources, Instant expiresAt,
                          String owner, String description, Quota quota) {
    public static final AgentPolicy NONE = new AgentPolicy(null, null, null, null, null, null, null);

    public AgentPolicy {
        resources = resources == null ? null : List.copyOf(resources);
    }

    /**
     * At most {@code perHour} / {@code perDay} access tokens (either may be null, not both);
     * {@code enforce} false serves them anyway and only audits the overrun.
     */
    public record Quota(Integer perHour, Integer perDay, boolean enforce) {}

    /** True once {@code now} has reached the identity's end. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The earlier of {@code end} and the identity's end. */
    public Instant cap(Instant end) {
        return expiresAt != null && (end == null || expiresAt.isBefore(end)) ? expiresAt : end;
    }
}
