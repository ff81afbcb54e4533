package agentauth.client;

/**
 * Root of every exception the agent-auth client library throws.
 *
 * <p>Messages are written for a human and never contain a secret, a refresh token or an
 * access token, so they are safe to log. The leaves say what the caller can do about it:
 * {@link BadCredentialsException} (fix the configuration), {@link ServerUnavailableException}
 * (try again later), {@link AuthProtocolException} (the server answered something this
 * library does not understand), {@link InvalidTokenException} and
 * {@link InsufficientScopeException} (a resource server rejects a caller's token).
 *
 * <p>Unchecked, because an access token is usually fetched deep inside code that cannot
 * do anything useful with a checked exception but pass it on.
 */
public class AgentAuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String error;

    /**
     * @param message a message without secrets or tokens
     * @param error the OAuth 2.0 error code the server answered, or {@code null}
     * @param cause the underlying failure, or {@code null}; must not carry secrets either
     */
    protected AgentAuthException(String message, String error, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    /**
     * The OAuth 2.0 error code behind this exception ({@code invalid_client},
     * {@code invalid_token}, {@code temporarily_unavailable}...), or {@code null} when there
     * was no answer from a server to take it from.
     *
     * @return the error code or {@code null}
     */
    public String error() {
        return error;
    }
}
