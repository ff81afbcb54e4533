package agentauth.store;

import java.time.Instant;
import java.util.List;

/**
 * A user row: an agent or an admin. The password hash never leaves the server.
 * {@code lastUsedAt}: the last issuance of an access token (to the minute, see {@code touchLastUsed}).
 */
public record User(
        long id,
        String uid,
        long gen,
        String username,
        String passwordHash,
        List<String> scopes,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt,
        Instant lastLoginAt,
        Instant credentialsChangedAt,
        long credentialVersion,
        AgentPolicy policy,
        Instant lastUsedAt,
        boolean dpopRequired) {

    /** A user with no policy of its own, never used, that may use bearer tokens. */
    public User(long id, String uid, long gen, String username, String passwordHash, List<String> scopes, boolean enabled,
                Instant createdAt, Instant updatedAt, Instant lastLoginAt, Instant credentialsChangedAt, long credentialVersion) {
        this(id, uid, gen, username, passwordHash, scopes, enabled, createdAt, updatedAt, lastLoginAt, credentialsChangedAt,
            credentialVersion, AgentPolicy.NONE, null, false);
    }

    /** The same user with its generation bumped: its live access tokens die. */
    public User nextGen() {
        return new User(id, uid, gen + 1, username, passwordHash, scopes, enabled, createdAt, updatedAt, lastLoginAt,
            credentialsChangedAt, credentialVersion, policy, lastUsedAt, dpopRequired);
    }

    /** The same user disabled at {@code now}, as a credential change: its generation bumped, its live tokens dead. */
    public User disabled(Instant now) {
        return new User(id, uid, gen + 1, username, passwordHash, scopes, false, createdAt, now, lastLoginAt,
            now, credentialVersion + 1, policy, lastUsedAt, dpopRequired);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    @Override
    public String toString() {
        return "User[" + username + ", scopes=" + scopes + ", enabled=" + enabled + "]";
    }
}
