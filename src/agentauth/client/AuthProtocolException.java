package agentauth.client;

/**
 * The server answered something this library does not expect: an unexpected status code
 * (for example {@code 404} because the server URL points at something else), or a body that
 * is not the documented JSON. The response body is never copied into the message, since it
 * may hold a token.
 */
public final class AuthProtocolException extends AgentAuthException {
    private static final long serialVersionUID = 1L;

    private final int status;

    AuthProtocolException(String message, int status) {
        super(message, null, null);
        this.status = status;
    }

    /**
     * The HTTP status of the offending response.
     *
     * @return the status code, or 0 when the problem was not tied to one response
     */
    public int status() {
        return status;
    }
}
