package agentauth.user;

import agentauth.store.AgentPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A change to an agent's policy (contract C). Each field: null leaves it as it is, an empty
 * Optional puts it back to the server's default, a value sets it.
 */
public record PolicyPatch(Optional<Duration> accessTtl, Optional<Duration> refreshTtl, Optional<List<String>> resources,
                          Optional<Instant> expiresAt, Optional<String> owner, Optional<String> description,
                          Optional<AgentPolicy.Quota> quota) {
    public static final PolicyPatch NONE = new PolicyPatch(null, null, null, null, null, null, null);

    /** True when the patch changes nothing. */
    public boolean isEmpty() {
        return accessTtl == null && refreshTtl == null && resources == null && expiresAt == null && owner == null
            && description == null && quota == null;
    }

    /** {@code old} with this patch applied. */
    public AgentPolicy applyTo(AgentPolicy old) {
        return new AgentPolicy(pick(accessTtl, old.accessTtl()), pick(refreshTtl, old.refreshTtl()),
            pick(resources, old.resources()), pick(expiresAt, old.expiresAt()), pick(owner, old.owner()),
            pick(description, old.description()), pick(quota, old.quota()));
    }

    /**
     * {@code old} with the fields this patch names taken from {@code checked} (this patch's own
     * values as the rules normalized them): a field it does not name is kept as stored, even one
     * a lowered server maximum would refuse now.
     */
    public AgentPolicy merge(AgentPolicy old, AgentPolicy checked) {
        return new AgentPolicy(accessTtl == null ? old.accessTtl() : checked.accessTtl(),
            refreshTtl == null ? old.refreshTtl() : checked.refreshTtl(),
            resources == null ? old.resources() : checked.resources(),
            expiresAt == null ? old.expiresAt() : checked.expiresAt(),
            owner == null ? old.owner() : checked.owner(),
            description == null ? old.description() : checked.description(),
            quota == null ? old.quota() : checked.quota());
    }

    private static <T> T pick(Optional<T> change, T old) {
        return change == null ? old : change.orElse(null);
    }
}
