package agentauth.user;

import agentauth.store.AgentPolicy;
import agentauth.store.User;
import java.time.Instant;
import java.util.List;

/**
 * A user as the services hand it out: an agent or an admin, without its password hash, which
 * never leaves {@code user/}. {@code policy}: its own limits (contract C); {@code lastUsedAt}: its
 * last access token, to the minute.
 */
public record Account(long id, String uid, long gen, String username, List<String> scopes, boolean enabled, Instant createdAt,
                      Instant updatedAt, Instant lastLoginAt, AgentPolicy policy, Instant lastUsedAt, boolean dpopRequired) {

    public static Account of(User u) {
        return new Account(u.id(), u.uid(), u.gen(), u.username(), u.scopes(), u.enabled(), u.createdAt(), u.updatedAt(),
            u.lastLoginAt(), u.policy(), u.lastUsedAt(), u.dpopRequired());
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
