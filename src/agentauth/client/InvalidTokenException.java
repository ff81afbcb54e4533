package agentauth.client;

/**
 * A {@link TokenVerifier} rejected a token, or the DPoP proof that came with it. A resource
 * server answers {@code 401} with the challenge {@link TokenVerifier#challenge} builds
 * (RFC 6750 §3.1, RFC 9449 §7.1); {@link #error()} is {@code invalid_token}, or
 * {@code invalid_dpop_proof} for {@link Reason#DPOP_PROOF}. The message names the check that
 * failed but never repeats the token or any value taken from it.
 */
public final class InvalidTokenException extends AgentAuthException {
    private static final long serialVersionUID = 1L;

    /** Which check rejected the token. */
    public enum Reason {
        /**
         * The request carried no token (no {@code Authorization} header, or another scheme):
         * the challenge then has no error code (RFC 6750 §3.1).
         */
        NO_TOKEN,
        /** Not three base64url parts of JSON, or a required claim is missing or mistyped. */
        MALFORMED,
        /** The header {@code alg} is not the key's algorithm (ES256), e.g. {@code none} or HS256. */
        WRONG_ALGORITHM,
        /** The header {@code typ} is not {@code at+jwt} (RFC 9068 §2.1), or it has {@code crit}. */
        WRONG_TYPE,
        /** No key with the token's {@code kid} is published in the JWKS. */
        UNKNOWN_KEY,
        /** The signature does not verify with the published key. */
        BAD_SIGNATURE,
        /** {@code iss} is not the expected issuer. */
        WRONG_ISSUER,
        /** {@code aud} does not contain the expected audience. */
        WRONG_AUDIENCE,
        /** {@code exp} has passed (beyond the clock skew). */
        EXPIRED,
        /** {@code iat} or {@code nbf} lies in the future (beyond the clock skew). */
        NOT_YET_VALID,
        /**
         * The issuer's revocation list kills it: its user was disabled, given a new secret,
         * revoked or killed since it was issued, its session was ended for cause, or its key
         * was revoked.
         */
        REVOKED,
        /**
         * A DPoP-bound token presented as {@code Bearer}: a stolen bound token must not work
         * without its key (RFC 9449 §7.1); the challenge is {@code DPoP}.
         */
        DPOP_BOUND_AS_BEARER,
        /** A token that is not DPoP-bound presented as {@code DPoP}. */
        BEARER_AS_DPOP,
        /** The DPoP proof is missing, or fails a check of RFC 9449 §4.3 (the message says which). */
        DPOP_PROOF
    }

    private final Reason reason;

    InvalidTokenException(Reason reason, String message) {
        super(message, reason == Reason.DPOP_PROOF ? "invalid_dpop_proof" : "invalid_token", null);
        this.reason = reason;
    }

    /**
     * The check that failed.
     *
     * @return the reason, never {@code null}
     */
    public Reason reason() {
        return reason;
    }
}
