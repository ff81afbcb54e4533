package agentauth.http;

import agentauth.dpop.DpopProofs;
import agentauth.error.AuthError;
import agentauth.user.Account;
import agentauth.token.AccessTokens;
import agentauth.session.Sessions;
import io.javalin.http.Context;

/**
 * POST /oauth/revoke (RFC 7009): the client authenticates and names one of its tokens. A refresh
 * token ends its family; an access token ends the family it came from ({@code sid}). An unknown,
 * expired or another client's token answers 200 too and changes nothing (§2.2), so the answer
 * tells nothing about tokens the caller does not own. {@code token_type_hint} is not needed: the
 * token's shape tells which it is.
 */
final class OAuthRevokeHandler {
    private final ClientAuth clientAuth;
    private final ClientAddress addresses;
    private final AccessTokens accessTokens;
    private final Sessions sessions;
    private final DpopProofs dpop;

    OAuthRevokeHandler(ClientAuth clientAuth, ClientAddress addresses, AccessTokens accessTokens, Sessions sessions,
                       DpopProofs dpop) {
        this.dpop = dpop;
        this.clientAuth = clientAuth;
        this.addresses = addresses;
        this.accessTokens = accessTokens;
        this.sessions = sessions;
    }

    void revoke(Context ctx) {
        Body form = OAuthForm.read(ctx);
        String jkt = DpopHeaders.atTokenEndpoint(ctx, dpop); // a DPoP-bound session ends only with its key's proof
        Account client = clientAuth.authenticate(ctx, form);
        String token = form.string("token");
        String address = addresses.of(ctx);
        if (RefreshHandler.isAccessToken(token)) revokeAccessToken(token, client, address, jkt);
        else sessions.logout(token, client.username(), address, jkt);
        ctx.header("Cache-Control", "no-store");
        ctx.status(200);
    }

    /** A client_credentials token has no family: it cannot be revoked and ends at its expiry. */
    private void revokeAccessToken(String token, Account client, String address, String jkt) {
        AccessTokens.Claims claims;
        try {
            claims = accessTokens.verify(token);
        } catch (AuthError.InvalidToken e) {
            return; // not ours, expired or forged: nothing to end
        }
        if (claims.sid() != null && claims.subject().equals(client.username()))
            sessions.endFamily(claims.sid(), client.username(), address, jkt);
    }
}
