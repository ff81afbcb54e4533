package agentauth.http;

import agentauth.token.AccessTokens;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** GET /me: the claims of the caller's access token, after the live-state check. */
final class MeHandler {
    private final ResourceAuth auth;

    MeHandler(ResourceAuth auth) {
        this.auth = auth;
    }

    void me(Context ctx) {
        AccessTokens.Claims c = auth.verify(ctx, null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sub", c.subject());
        body.put("client_id", c.subject());
        body.put("scope", String.join(" ", c.scope()));
        body.put("aud", c.audience().size() == 1 ? c.audience().get(0) : c.audience());
        body.put("iss", c.issuer());
        body.put("iat", c.issuedAt().getEpochSecond());
        body.put("exp", c.expiresAt().getEpochSecond());
        body.put("jti", c.jti());
        if (c.sid() != null) body.put("sid", c.sid());
        if (c.jkt() != null) body.put("cnf", Map.of("jkt", c.jkt()));
        ctx.header("Cache-Control", "no-store");
        Json.write(ctx, 200, body);
    }
}
