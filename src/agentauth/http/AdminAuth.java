package agentauth.http;

import agentauth.token.AccessTokens;
import agentauth.user.ServerScopes;
import agentauth.user.Users;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * The admin API's gate: a bearer token for this server ({@code aud} = issuer) with scope
 * {@code admin}, whose user is still an enabled admin with no credential change since and whose
 * session is live. Checked on every request, so a disabled or demoted admin stops at once.
 */
final class AdminAuth {
    /** An admin route: gets the verified admin as the actor for the audit log. */
    @FunctionalInterface
    interface AdminHandler {
        void handle(Context ctx, Users.Actor actor) throws Exception;
    }

    private final ResourceAuth auth;
    private final ClientAddress clientAddress;

    AdminAuth(ResourceAuth auth, ClientAddress clientAddress) {
        this.auth = auth;
        this.clientAddress = clientAddress;
    }

    /** Wraps a route so that it runs only for a live admin token (401 without one, 403 without the scope). */
    Handler guard(AdminHandler handler) {
        return ctx -> handler.handle(ctx, actor(ctx));
    }

    private Users.Actor actor(Context ctx) {
        AccessTokens.Claims claims = auth.verify(ctx, ServerScopes.ADMIN);
        return new Users.Actor(claims.subject(), clientAddress.of(ctx));
    }
}
