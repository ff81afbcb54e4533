package agentauth.http;

import agentauth.dpop.DpopProofs;
import agentauth.user.Account;
import agentauth.token.Entitlements;
import agentauth.session.Sessions;
import agentauth.user.Authenticator;
import agentauth.user.Rules;
import io.javalin.http.Context;
import java.util.List;

/** POST /login: name and secret in, an access token and the first refresh token of a new family out. */
final class LoginHandler {
    private final Authenticator authenticator;
    private final Entitlements entitlements;
    private final Sessions sessions;
    private final ClientAddress clientAddress;
    private final DpopProofs dpop;

    LoginHandler(Authenticator authenticator, Entitlements entitlements, Sessions sessions, ClientAddress clientAddress,
                 DpopProofs dpop) {
        this.dpop = dpop;
        this.authenticator = authenticator;
        this.entitlements = entitlements;
        this.sessions = sessions;
        this.clientAddress = clientAddress;
    }

    void login(Context ctx) {
        Body body = Body.jsonOrForm(ctx);
        String username = body.string("username");
        String password = body.string("password");
        List<String> requested = Rules.requestedScope(body.optionalString("scope"));
        String resource = body.optionalString("resource");
        String address = clientAddress.of(ctx);
        // The proof before the secret: a bad or nonce-less proof costs no hash
        Sessions.Proof proof = RefreshHandler.proof(ctx, dpop);
        Account user = authenticator.authenticate(username, password, address);
        dpop.require(proof.jkt(), user.dpopRequired());
        // invalid_scope and invalid_target only now, after the secret was checked
        String audience = entitlements.audience(user, resource);
        List<String> scope = entitlements.scope(user, requested, audience);
        DpopHeaders.nonce(ctx, dpop);
        TokenResponses.write(ctx, sessions.startFamily(user, scope, audience, address, proof));
    }
}
