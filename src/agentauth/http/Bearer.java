package agentauth.http;

import agentauth.error.AuthError;
import io.javalin.http.Context;

/** The bearer token of a request (RFC 6750 §2.1). */
final class Bearer {
    private Bearer() {}

    /** True when the request names the Bearer scheme at all (RFC 6750 §2.1; the scheme ignores case). */
    static boolean used(Context ctx) {
        String h = ctx.header("Authorization");
        return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    static String token(Context ctx) {
        String h = ctx.header("Authorization");
        if (!used(ctx) || h.substring(7).isBlank())
            throw new AuthError.InvalidToken("An access token is required (Authorization: Bearer <token>).");
        return h.substring(7).trim();
    }
}
