package agentauth.http;

import agentauth.Config;
import agentauth.client.DpopProofCheck;
import agentauth.dpop.DpopProofs;
import agentauth.error.AuthError;
import agentauth.session.Sessions;
import agentauth.session.TokenResponse;
import io.javalin.http.Context;

/** POST /refresh rotates a refresh token; POST /logout ends its family. */
final class RefreshHandler {
    private final Sessions sessions;
    private final ClientAddress clientAddress;
    private final DpopProofs dpop;

    RefreshHandler(Sessions sessions, ClientAddress clientAddress, DpopProofs dpop) {
        this.dpop = dpop;
        this.sessions = sessions;
        this.clientAddress = clientAddress;
    }

    void refresh(Context ctx) {
        String token = Body.jsonOrForm(ctx).string("refresh_token");
        Sessions.Proof proof = proof(ctx, dpop);
        TokenResponse answer = sessions.refresh(token, null, null, null, clientAddress.of(ctx), proof);
        DpopHeaders.nonce(ctx, dpop);
        TokenResponses.write(ctx, answer);
    }

    /** The DPoP proof of a refresh, here and at the OAuth refresh_token grant. */
    static Sessions.Proof proof(Context ctx, DpopProofs dpop) {
        boolean required = dpop.mode() == Config.DpopMode.REQUIRED;
        DpopProofCheck.Proof p = dpop.unrecorded(DpopHeaders.of(ctx), ctx.method().name(), ctx.path());
        // recorded as used in the transaction of the login or rotation it authorizes: no write of its own
        return p == null ? new Sessions.Proof(null, required, null)
            : new Sessions.Proof(p.thumbprint(), required, c -> dpop.record(c, p));
    }

    /**
     * 204 also for an unknown token: the caller learns nothing, and logging out twice is fine.
     * An access token is refused, never answered 204 while its session lives on: and ending a
     * session from one would let anyone who saw it (every service it was sent to) end it.
     */
    void logout(Context ctx) {
        String token = Body.jsonOrForm(ctx).string("refresh_token");
        if (isAccessToken(token))
            throw new AuthError.InvalidRequest("This is an access token: /logout takes the session's refresh token.");
        sessions.logout(token, null, clientAddress.of(ctx), DpopHeaders.atTokenEndpoint(ctx, dpop));
        ctx.status(204);
    }

    /** Access tokens are JWTs; refresh tokens are opaque and never contain a dot. */
    static boolean isAccessToken(String token) {
        return token.indexOf('.') >= 0;
    }
}
