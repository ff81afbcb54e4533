package agentauth.session;

import java.util.List;

/** What a successful grant returns (RFC 6749 §5.1); refresh fields are null for client_credentials. */
public record TokenResponse(String accessToken, long expiresIn, String refreshToken, Long refreshExpiresIn,
                            List<String> scope, boolean dpopBound) {
    /** A bearer token's response. */
    public TokenResponse(String accessToken, long expiresIn, String refreshToken, Long refreshExpiresIn, List<String> scope) {
        this(accessToken, expiresIn, refreshToken, refreshExpiresIn, scope, false);
    }

    @Override
    public String toString() {
        return "TokenResponse[scope=" + scope + ", expiresIn=" + expiresIn + "]"; // never the tokens
    }
}
