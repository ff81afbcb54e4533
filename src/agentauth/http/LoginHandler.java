package agentauth.http;

import agentauth.store.User;
import agentauth.token.Grants;
import agentauth.token.RefreshTokens;
import agentauth.user.Authenticator;
import agentauth.user.Rules;
import io.javalin.http.Context;
import java.util.List;

/** POST /login: name and secret in, an access token and the first refresh token of a new family out. */
final class LoginHandler {
    private final Authenticator authenticator;
    private final Grants grants;
    private final RefreshTokens refreshTokens;
    private final ClientAddress clientAddress;

    LoginHandler(Authenticator authenticator, Grants grants, RefreshTokens refreshTokens, ClientAddress clientAddress) {
        this.authenticator = authenticator;
        this.grants = grants;
        this.refreshTokens = refreshTokens;
        this.clientAddress = clientAddress;
    }

    void login(Context ctx) {
        Body body = Body.jsonOrForm(ctx);
        String username = body.string("username");
        String password = body.string("password");
        List<String> requested = Rules.requestedScope(body.optionalString("scope"));
        String resource = body.optionalString("resource");
        String address = clientAddress.of(ctx);
        User user = authenticator.authenticate(username, password, address);
        // invalid_scope and invalid_target only now, after the secret was checked
        String audience = grants.audience(resource);
        List<String> scope = grants.scope(user, requested, audience);
        TokenResponses.write(ctx, refreshTokens.startFamily(user, scope, audience, address));
    }
}
