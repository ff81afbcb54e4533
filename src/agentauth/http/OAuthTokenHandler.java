package agentauth.http;

import agentauth.dpop.DpopProofs;
import agentauth.error.AuthError;
import agentauth.session.Sessions;
import agentauth.user.Account;
import agentauth.session.TokenResponse;
import agentauth.user.Rules;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * POST /oauth/token (RFC 6749 §3.2): a form body, the client authenticates, then the grant named
 * by {@code grant_type} issues. Each grant is its own class; this one only picks it.
 */
final class OAuthTokenHandler {
    /** One grant type: the authenticated client and its form in, a token response out. */
    interface Grant {
        TokenResponse issue(Account client, Body form, String address, Sessions.Proof proof);
    }

    private final ClientAuth clientAuth;
    private final ClientAddress addresses;
    private final Map<String, Grant> grants;
    private final DpopProofs dpop;

    OAuthTokenHandler(ClientAuth clientAuth, ClientAddress addresses, Map<String, Grant> grants, DpopProofs dpop) {
        this.dpop = dpop;
        this.clientAuth = clientAuth;
        this.addresses = addresses;
        this.grants = Map.copyOf(grants);
    }

    void token(Context ctx) {
        Body form = OAuthForm.read(ctx);
        String type = form.optionalString("grant_type");
        if (type == null || type.isEmpty()) throw new AuthError.InvalidRequest("grant_type is required.");
        Grant grant = grants.get(type);
        ctx.attribute(RequestTracking.GRANT, grant == null ? "other" : type); // a known name only: it labels metrics
        if (grant == null)
            throw new AuthError.UnsupportedGrantType("Supported grant types: client_credentials, refresh_token.");
        Sessions.Proof proof = RefreshHandler.proof(ctx, dpop); // before the secret: a bad proof costs no hash
        Account client = clientAuth.authenticate(ctx, form);
        TokenResponse answer = grant.issue(client, form, addresses.of(ctx), proof);
        DpopHeaders.nonce(ctx, dpop);
        TokenResponses.write(ctx, answer);
    }

    /** RFC 6749 §3.3 and §5.2: a malformed scope is invalid_scope, asked only after authentication. */
    static List<String> requestedScope(Body form) {
        try {
            return Rules.requestedScope(form.optionalString("scope"));
        } catch (AuthError.InvalidRequest e) {
            throw new AuthError.InvalidScope(e.description());
        }
    }
}
