package agentauth.http;

import agentauth.error.AuthError;
import agentauth.user.Account;
import agentauth.user.ServerScopes;
import agentauth.token.AccessTokens;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * POST /oauth/introspect (RFC 7662): a caller holding {@code introspect} or {@code admin}
 * authenticates as a client and asks about an access token, for any audience. Active means the
 * signature, issuer and expiry hold and the live state too: the user exists and is enabled,
 * changed no credential since, and the family is not revoked. The scope reported is what the
 * user still holds of the token's. Refresh tokens are always inactive here: they are credentials
 * between a client and this server, never shown to a resource server.
 */
final class OAuthIntrospectHandler {
    private static final Map<String, Object> INACTIVE = Map.of("active", false);

    private final ClientAuth clientAuth;
    private final AccessTokens accessTokens;

    OAuthIntrospectHandler(ClientAuth clientAuth, AccessTokens accessTokens) {
        this.clientAuth = clientAuth;
        this.accessTokens = accessTokens;
    }

    void introspect(Context ctx) {
        Body form = OAuthForm.read(ctx);
        Account caller = clientAuth.authenticate(ctx, form);
        if (!caller.hasScope(ServerScopes.INTROSPECT) && !caller.hasScope(ServerScopes.ADMIN))
            throw new AuthError.InsufficientScope(ServerScopes.INTROSPECT, ServerScopes.ADMIN);
        String token = form.string("token");
        ctx.header("Cache-Control", "no-store"); // RFC 7662 §2.2 answers are not cached
        ctx.header("Pragma", "no-cache");
        Json.write(ctx, 200, describe(token));
    }

    private Map<String, Object> describe(String token) {
        AccessTokens.Claims c;
        Account user;
        try {
            c = accessTokens.verify(token);
            user = accessTokens.inGoodStanding(c);
        } catch (AuthError.InvalidToken e) {
            return INACTIVE;
        }
        List<String> scope = new ArrayList<>(c.scope());
        scope.retainAll(user.scopes());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", true);
        body.put("scope", String.join(" ", scope));
        body.put("client_id", c.subject());
        body.put("sub", c.subject());
        body.put("aud", c.audience().size() == 1 ? c.audience().get(0) : c.audience());
        body.put("iss", c.issuer());
        body.put("exp", c.expiresAt().getEpochSecond());
        body.put("iat", c.issuedAt().getEpochSecond());
        body.put("jti", c.jti());
        body.put("token_type", c.jkt() != null ? "DPoP" : "Bearer");
        if (c.jkt() != null) body.put("cnf", Map.of("jkt", c.jkt())); // RFC 9449 §6.2
        return body;
    }
}
