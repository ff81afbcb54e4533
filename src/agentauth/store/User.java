package agentauth.store;

import java.time.Instant;
import java.util.List;

/** A user row: an agent or an admin. The password hash never leaves the server. */
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
        boolean dpopRequired) {

    /** A user row without DPoP's field (false: the agent may use bearer tokens). */
    public User(long id, String uid, long gen, String username, String passwordHash, List<String> scopes, boolean enabled,
                Instant createdAt, Instant updatedAt, Instant lastLoginAt, Instant credentialsChangedAt, long credentialVersion) {
        this(id, uid, gen, username, passwordHash, scopes, enabled, createdAt, updatedAt, lastLoginAt, credentialsChangedAt,
            credentialVersion, false);
    }

    /** The same user with its generation bumped: its live access tokens die. */
    public User nextGen() {
        return new User(id, uid, gen + 1, username, passwordHash, scopes, enabled, createdAt, updatedAt, lastLoginAt,
            credentialsChangedAt, credentialVersion, dpopRequired);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    @Override
    public String toString() {
        return "User[" + username + ", scopes=" + scopes + ", enabled=" + enabled + "]";
    }
}
