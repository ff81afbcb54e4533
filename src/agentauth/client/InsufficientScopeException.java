package agentauth.client;

/**
 * A verified token lacks a scope the operation needs. A resource server answers {@code 403}
 * with {@code error="insufficient_scope"} (RFC 6750 §3.1), not {@code 401}: asking for a new
 * token with the same grant will not help.
 */
public final class InsufficientScopeException extends AgentAuthException {
    private static final long serialVersionUID = 1L;

    private final String scope;

    InsufficientScopeException(String scope) {
        super("the token lacks the scope '" + scope + "'", "insufficient_scope", null);
        this.scope = scope;
    }

    /**
     * The scope that was required and missing.
     *
     * @return the missing scope
     */
    public String scope() {
        return scope;
    }
}
