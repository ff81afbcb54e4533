package agentauth.token;

import agentauth.error.AuthError;
import agentauth.user.Account;
import agentauth.user.ServerScopes;
import java.util.ArrayList;
import java.util.List;

/** What a token may carry: the requested scope against the user's, and the audience (RFC 8707). */
public final class Entitlements {
    private final String issuer;
    private volatile List<String> resources;

    public Entitlements(String issuer, List<String> resources) {
        this.issuer = issuer;
        this.resources = List.copyOf(resources);
    }

    /** A shared setting changed: the resources tokens may be issued for from now on. */
    public void resources(List<String> resources) {
        this.resources = List.copyOf(resources);
    }

    /** The resources besides the issuer that tokens may be issued for (--resource), as now set. */
    public List<String> resources() {
        return resources;
    }

    /** The audience for a {@code resource} parameter (null: the issuer itself). */
    public String audience(String resource) {
        if (resource == null || resource.isEmpty() || resource.equals(issuer)) return issuer;
        if (!resources.contains(resource))
            throw new AuthError.InvalidTarget("This server does not issue tokens for that resource.");
        return resource;
    }

    /**
     * The audience for {@code user}: one the server serves and, when the agent has its own list
     * ({@code resources}, contract C), one on that list (the issuer too only when listed).
     */
    public String audience(Account user, String resource) {
        String audience = audience(resource);
        List<String> allowed = user.policy().resources();
        if (allowed != null && !allowed.contains(audience))
            throw new AuthError.InvalidTarget("This agent may not ask for tokens for that resource.");
        return audience;
    }

    /**
     * The scope to grant: the requested subset of the user's scopes, or all of them when none was
     * requested; for another resource without the server's own scopes.
     */
    public List<String> scope(Account user, List<String> requested, String audience) {
        boolean foreign = !audience.equals(issuer);
        if (requested == null) {
            List<String> all = new ArrayList<>(user.scopes());
            if (foreign) all.removeAll(ServerScopes.ALL);
            return all;
        }
        for (String s : requested) {
            if (!user.hasScope(s)) throw new AuthError.InvalidScope("The scope '" + s + "' is not granted to this user.");
            if (foreign && ServerScopes.ALL.contains(s))
                throw new AuthError.InvalidScope("The scope '" + s + "' is only for this server, not for another resource.");
        }
        return requested;
    }
}
