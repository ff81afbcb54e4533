package agentauth.error;

/**
 * The one root of every error a client may see. The code and description are public (they go
 * into the {"error","error_description"} body); a cause, when there is one, goes only to the log.
 * Leaves are small and carry their data; {@code agentauth.http.Errors} maps them in one place.
 */
public class AuthError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    public AuthError(int status, String code, String description) {
        this(status, code, description, 0, null);
    }

    protected AuthError(int status, String code, String description, long retryAfterSeconds, Throwable cause) {
        super(description, cause, false, false); // no stack trace: these are expected outcomes
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() { return status; }
    public String code() { return code; }
    public String description() { return getMessage(); }
    /** Seconds for a Retry-After header; 0 when none applies. */
    public long retryAfterSeconds() { return retryAfterSeconds; }

    /** The same error with another HTTP status (RFC 6749 §5.2 answers invalid_grant with 400). */
    public AuthError withStatus(int newStatus) {
        return new AuthError(newStatus, code, description(), retryAfterSeconds, getCause());
    }

    public static final class InvalidRequest extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidRequest(String description) { super(400, "invalid_request", description); }
    }

    public static final class InvalidClient extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidClient() { super(401, "invalid_client", "The name or secret is wrong."); }
    }

    public static final class InvalidGrant extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidGrant(String description) { super(401, "invalid_grant", description); }
    }

    public static final class InvalidToken extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidToken(String description) { super(401, "invalid_token", description); }
    }

    public static final class InsufficientScope extends AuthError {
        private static final long serialVersionUID = 1L;
        public InsufficientScope(String scope) {
            super(403, "insufficient_scope", "This needs a token with the scope '" + scope + "'.");
        }
    }

    public static final class InvalidScope extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidScope(String description) { super(400, "invalid_scope", description); }
    }

    public static final class InvalidTarget extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidTarget(String description) { super(400, "invalid_target", description); }
    }

    public static final class NotFound extends AuthError {
        private static final long serialVersionUID = 1L;
        public NotFound(String description) { super(404, "not_found", description); }
    }

    public static final class Conflict extends AuthError {
        private static final long serialVersionUID = 1L;
        public Conflict(String description) { super(409, "conflict", description); }
    }

    public static final class TooManyRequests extends AuthError {
        private static final long serialVersionUID = 1L;
        public TooManyRequests(long retryAfterSeconds) {
            super(429, "too_many_requests", "Too many failed attempts; try again later.", retryAfterSeconds, null);
        }
    }

    /** Overload or storage trouble; the server recovers by itself. The cause is for the log. */
    public static final class TemporarilyUnavailable extends AuthError {
        private static final long serialVersionUID = 1L;
        public TemporarilyUnavailable(String description, long retryAfterSeconds, Throwable cause) {
            super(503, "temporarily_unavailable", description, retryAfterSeconds, cause);
        }
    }
}
