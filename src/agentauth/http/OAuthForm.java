package agentauth.http;

import agentauth.error.AuthError;
import io.javalin.http.Context;

/**
 * The form body of the /oauth endpoints. RFC 6749 §5.2 has a fixed set of error codes, so a
 * wrong content type or an oversized body is invalid_request here rather than 415 or 413.
 */
final class OAuthForm {
    private OAuthForm() {}

    static Body read(Context ctx) {
        try {
            return Body.form(ctx);
        } catch (AuthError e) {
            if (e.status() == 413 || e.status() == 415) throw new AuthError.InvalidRequest(e.description());
            throw e;
        }
    }
}
