package agentauth.client;

/**
 * The server refused the configured name, secret, scopes or resource: {@code invalid_client}
 * (wrong name or secret, or a disabled user), {@code invalid_scope} (a scope the user does
 * not hold), {@code invalid_target} (a resource the server does not serve) or
 * {@code invalid_request} (for example a secret shorter than the server accepts).
 *
 * <p>Trying again with the same configuration will fail the same way, and repeated failures
 * get the name throttled; the {@link #error()} code says which part to fix.
 */
public final class BadCredentialsException extends AgentAuthException {
    private static final long serialVersionUID = 1L;

    BadCredentialsException(String message, String error) {
        super(message, error, null);
    }
}
