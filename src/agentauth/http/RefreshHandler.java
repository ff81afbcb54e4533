package agentauth.http;

import agentauth.token.RefreshTokens;
import io.javalin.http.Context;

/** POST /refresh rotates a refresh token; POST /logout ends its family. */
final class RefreshHandler {
    private final RefreshTokens refreshTokens;
    private final ClientAddress clientAddress;

    RefreshHandler(RefreshTokens refreshTokens, ClientAddress clientAddress) {
        this.refreshTokens = refreshTokens;
        this.clientAddress = clientAddress;
    }

    void refresh(Context ctx) {
        String token = Body.jsonOrForm(ctx).string("refresh_token");
        TokenResponses.write(ctx, refreshTokens.refresh(token, null, clientAddress.of(ctx)));
    }

    /** 204 also for an unknown token: the caller learns nothing, and logging out twice is fine. */
    void logout(Context ctx) {
        String token = Body.jsonOrForm(ctx).string("refresh_token");
        refreshTokens.logout(token, null, clientAddress.of(ctx));
        ctx.status(204);
    }
}
