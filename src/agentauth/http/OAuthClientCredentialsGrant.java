package agentauth.http;

import agentauth.dpop.DpopProofs;
import agentauth.user.Account;
import agentauth.token.Entitlements;
import agentauth.session.Sessions;
import agentauth.session.TokenResponse;
import java.util.List;

/**
 * grant_type=client_credentials (RFC 6749 §4.4): the client is the user, and gets an access token
 * only (§4.4.3: no refresh token, so no family is left behind). Scope and audience are decided by
 * the same {@link Entitlements} as at /login.
 */
final class OAuthClientCredentialsGrant implements OAuthTokenHandler.Grant {
    private final Entitlements entitlements;
    private final Sessions tokens;
    private final DpopProofs dpop;

    OAuthClientCredentialsGrant(Entitlements entitlements, Sessions tokens, DpopProofs dpop) {
        this.dpop = dpop;
        this.entitlements = entitlements;
        this.tokens = tokens;
    }

    @Override
    public TokenResponse issue(Account client, Body form, String address, Sessions.Proof proof) {
        dpop.require(proof.jkt(), client.dpopRequired());
        List<String> requested = OAuthTokenHandler.requestedScope(form);
        String audience = entitlements.audience(client, form.optionalString("resource")); // RFC 8707 §2
        return tokens.accessOnly(client, entitlements.scope(client, requested, audience), audience, address, proof);
    }
}
