package agentauth.http;

import agentauth.error.AuthError;
import agentauth.user.Account;
import agentauth.token.Entitlements;
import agentauth.session.Sessions;
import agentauth.session.TokenResponse;
import java.util.List;

/**
 * grant_type=refresh_token (RFC 6749 §6) over the native refresh-token families: the same
 * rotation and reuse detection as /refresh, and the token must be the authenticated client's own.
 * {@code scope} narrows this access token only; {@code resource} must be the family's audience.
 */
final class OAuthRefreshTokenGrant implements OAuthTokenHandler.Grant {
    private final Entitlements entitlements;
    private final Sessions tokens;

    OAuthRefreshTokenGrant(Entitlements entitlements, Sessions tokens) {
        this.entitlements = entitlements;
        this.tokens = tokens;
    }

    @Override
    public TokenResponse issue(Account client, Body form, String address, Sessions.Proof proof) {
        String token = form.string("refresh_token");
        List<String> requested = OAuthTokenHandler.requestedScope(form);
        String resource = form.optionalString("resource");
        String audience = resource == null || resource.isEmpty() ? null : entitlements.audience(resource);
        try {
            return tokens.refresh(token, client.username(), requested, audience, address, proof);
        } catch (AuthError.InvalidGrant e) {
            throw e.asBadRequest(); // RFC 6749 §5.2; the native /refresh answers 401
        }
    }
}
