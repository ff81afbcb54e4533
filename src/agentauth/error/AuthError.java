package agentauth.error;

/**
 * The one root of every error a client may see. The code and description are public (they go
 * into the {"error","error_description"} body); a cause, when there is one, goes only to the log.
 * Each error is a small leaf carrying its data; {@code agentauth.http.Errors} maps them to a
 * response in one place.
 */
public abstract class AuthError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    protected AuthError(int status, String code, String description) {
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

    public static final class InvalidRequest extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidRequest(String description) { super(400, "invalid_request", description); }
    }

    /** 401 at /login and with HTTP Basic; RFC 6749 §5.2 also allows 400 ({@link #asBadRequest}). */
    public static final class InvalidClient extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidClient() { this(401, "The name or secret is wrong."); }
        /** A right secret refused all the same (an expired identity): only its holder reads why. */
        public InvalidClient(String description) { this(401, description); }
        private InvalidClient(int status, String description) { super(status, "invalid_client", description); }
        public InvalidClient asBadRequest() { return new InvalidClient(400, description()); }
    }

    /** 401 at the native /refresh; RFC 6749 §5.2 answers it with 400 at /oauth/token. */
    public static final class InvalidGrant extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidGrant(String description) { this(401, description); }
        private InvalidGrant(int status, String description) { super(status, "invalid_grant", description); }
        public InvalidGrant asBadRequest() { return new InvalidGrant(400, description()); }
    }

    public static final class InvalidToken extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidToken(String description) { super(401, "invalid_token", description); }
    }

    /** 401 for a request with no bearer token at all: RFC 6750 §3.1 challenges it without an error code. */
    public static final class MissingToken extends AuthError {
        private static final long serialVersionUID = 1L;
        public MissingToken(String description) { super(401, "invalid_token", description); }
    }

    /**
     * A DPoP proof refused (RFC 9449 §5, §7.1): 400 at the token endpoints, 401 with a DPoP
     * challenge at the server's own resources.
     */
    public static final class InvalidDpopProof extends AuthError {
        private static final long serialVersionUID = 1L;
        public InvalidDpopProof(String description) { this(400, description); }
        private InvalidDpopProof(int status, String description) { super(status, "invalid_dpop_proof", description); }
        public InvalidDpopProof atResource() { return new InvalidDpopProof(401, description()); }
    }

    /** RFC 9449 §8: the proof must carry the server's nonce, which the answer hands out (DPoP-Nonce). */
    public static final class UseDpopNonce extends AuthError {
        private static final long serialVersionUID = 1L;
        private final String nonce;
        public UseDpopNonce(String nonce) {
            super(400, "use_dpop_nonce", "The DPoP proof must carry the nonce in the DPoP-Nonce header.");
            this.nonce = nonce;
        }
        public String nonce() { return nonce; }
    }

    public static final class InsufficientScope extends AuthError {
        private static final long serialVersionUID = 1L;
        /** @param scopes the scopes any one of which would do */
        public InsufficientScope(String... scopes) {
            super(403, "insufficient_scope", "This needs the scope '" + String.join("' or '", scopes) + "'.");
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

    public static final class UnsupportedGrantType extends AuthError {
        private static final long serialVersionUID = 1L;
        public UnsupportedGrantType(String description) { super(400, "unsupported_grant_type", description); }
    }

    public static final class NotFound extends AuthError {
        private static final long serialVersionUID = 1L;
        public NotFound(String description) { super(404, "not_found", description); }
    }

    public static final class MethodNotAllowed extends AuthError {
        private static final long serialVersionUID = 1L;
        public MethodNotAllowed() { super(405, "method_not_allowed", "This path does not accept that method."); }
    }

    public static final class Conflict extends AuthError {
        private static final long serialVersionUID = 1L;
        public Conflict(String description) { super(409, "conflict", description); }
    }

    /** 413, or 431 for headers. */
    public static final class RequestTooLarge extends AuthError {
        private static final long serialVersionUID = 1L;
        public RequestTooLarge(int status, String description) { super(status, "request_too_large", description); }
    }

    /** 408: a request body that did not arrive at the minimum rate or within the deadline. */
    public static final class RequestTimeout extends AuthError {
        private static final long serialVersionUID = 1L;
        public RequestTimeout(String description) { super(408, "request_timeout", description); }
    }

    public static final class UnsupportedMediaType extends AuthError {
        private static final long serialVersionUID = 1L;
        public UnsupportedMediaType(String description) { super(415, "unsupported_media_type", description); }
    }

    public static final class TooManyRequests extends AuthError {
        private static final long serialVersionUID = 1L;
        public TooManyRequests(long retryAfterSeconds) {
            this(retryAfterSeconds, "Too many failed attempts; try again later.");
        }

        public TooManyRequests(long retryAfterSeconds, String description) {
            super(429, "too_many_requests", description, retryAfterSeconds, null);
        }
    }

    /** A bug or an unexpected failure: the client learns nothing more; the log has the detail. */
    public static final class ServerError extends AuthError {
        private static final long serialVersionUID = 1L;
        public ServerError() { super(500, "server_error", "The server failed to handle this request."); }
    }

    /** Overload or storage trouble; the server recovers by itself. The cause is for the log. */
    public static final class TemporarilyUnavailable extends AuthError {
        private static final long serialVersionUID = 1L;
        public TemporarilyUnavailable(String description, long retryAfterSeconds, Throwable cause) {
            super(503, "temporarily_unavailable", description, retryAfterSeconds, cause);
        }
    }
}
