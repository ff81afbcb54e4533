package agentauth.user;

import java.util.Set;

/** The scopes this server itself gives meaning to; every other scope is the resource servers' business. */
public final class ServerScopes {
    /** Manage users, keys and the audit log (the admin API and page). */
    public static final String ADMIN = "admin";
    /** Call RFC 7662 introspection (resource servers). */
    public static final String INTROSPECT = "introspect";
    /** Never in a token for another resource (RFC 8707): they mean something only here. */
    public static final Set<String> ALL = Set.of(ADMIN, INTROSPECT);

    private ServerScopes() {}
}
