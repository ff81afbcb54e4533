package agentauth.http;

import agentauth.error.AuthError;
import io.javalin.http.Context;

/** The bearer token of a request (RFC 6750 §2.1). */
final class Bearer {
    private static final String REQUIRED = "An access token is required (Authorization: Bearer <token>).";

    private Bearer() {}

    /** True when the request names the Bearer scheme at all (RFC 6750 §2.1; the scheme ignores case). */
    static boolean used(Context ctx) {
        String h = ctx.header("Authorization");
        return h != null && h.regionMatches(true, 0, "Bearer", 0, 6) && (h.length() == 6 || h.charAt(6) == ' ');
    }

    /** The token; without the Bearer scheme at all, a request that lacks credentials (RFC 6750 §3.1). */
    static String token(Context ctx) {
        String h = ctx.header("Authorization");
        if (!used(ctx)) throw new AuthError.MissingToken(REQUIRED);
        String token = h.substring(6).trim();
        if (token.isEmpty()) throw new AuthError.InvalidToken(REQUIRED);
        return token;
    }
}
