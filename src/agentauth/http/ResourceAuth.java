package agentauth.http;

import agentauth.dpop.DpopProofs;
import agentauth.error.AuthError;
import agentauth.token.AccessTokens;
import io.javalin.http.Context;

/**
 * The access token of a request to the server's own resources (/me, the admin API): a bearer
 * token (RFC 6750 §2.1), or a DPoP-bound one as {@code Authorization: DPoP} with a proof from
 * its key (RFC 9449 §7). A bound token sent as Bearer is refused: a stolen one must not work
 * without the key. The proof is checked before the live state, so a refused proof tells nothing.
 */
final class ResourceAuth {
    private static final String REQUIRED = "An access token is required (Authorization: Bearer <token>, or DPoP <token>).";

    private final AccessTokens accessTokens;
    private final DpopProofs dpop;

    ResourceAuth(AccessTokens accessTokens, DpopProofs dpop) {
        this.accessTokens = accessTokens;
        this.dpop = dpop;
    }

    /** The live token's claims; see {@link AccessTokens#verifyLive} for {@code requiredScope}. */
    AccessTokens.Claims verify(Context ctx, String requiredScope) {
        String dpopToken = credentials(ctx.header("Authorization"), "DPoP");
        if (dpopToken != null) {
            ctx.attribute(DpopHeaders.CHALLENGE, true);
            AccessTokens.Claims claims = accessTokens.verify(dpopToken);
            if (claims.jkt() == null)
                throw new AuthError.InvalidToken("The access token is not DPoP-bound but was presented as DPoP.");
            dpop.atResource(DpopHeaders.of(ctx), ctx.method().name(), ctx.path(), dpopToken, claims.jkt());
            return accessTokens.live(claims, requiredScope);
        }
        if (!Bearer.used(ctx)) throw new AuthError.MissingToken(REQUIRED);
        AccessTokens.Claims claims = accessTokens.verify(Bearer.token(ctx));
        if (claims.jkt() != null) {
            ctx.attribute(DpopHeaders.CHALLENGE, true);
            throw new AuthError.InvalidToken("The access token is DPoP-bound: send it as Authorization: DPoP with a proof.");
        }
        return accessTokens.live(claims, requiredScope);
    }

    /** The token of {@code <scheme> <token>} (the scheme in any case, RFC 9110 §11.1), or null. */
    private static String credentials(String header, String scheme) {
        int n = scheme.length();
        if (header == null || header.length() <= n + 1 || !header.regionMatches(true, 0, scheme, 0, n) || header.charAt(n) != ' ')
            return null;
        String token = header.substring(n + 1).trim();
        return token.isEmpty() ? null : token;
    }
}
