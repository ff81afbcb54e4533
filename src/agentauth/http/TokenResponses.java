package agentauth.http;

import agentauth.session.TokenResponse;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a token response (RFC 6749 §5.1): never cached. */
final class TokenResponses {
    private TokenResponses() {}

    static void write(Context ctx, TokenResponse r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", r.accessToken());
        body.put("token_type", r.dpopBound() ? "DPoP" : "Bearer"); // RFC 9449 §5
        body.put("expires_in", r.expiresIn());
        if (r.refreshToken() != null) {
            body.put("refresh_token", r.refreshToken());
            body.put("refresh_expires_in", r.refreshExpiresIn());
        }
        body.put("scope", String.join(" ", r.scope()));
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
        Json.write(ctx, 200, body);
    }
}
