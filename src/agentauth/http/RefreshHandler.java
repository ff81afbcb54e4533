package agentauth.http;

import agentauth.session.Sessions;
import io.javalin.http.Context;

/** POST /refresh rotates a refresh token; POST /logout ends its family. */
final class RefreshHandler {
    private final Sessions sessions;
    private final ClientAddress clientAddress;

    RefreshHandler(Sessions sessions, ClientAddress clientAddress) {
        this.sessions = sessions;
        this.clientAddress = clientAddress;
    }

    void refresh(Context ctx) {
        String token = Body.jsonOrForm(ctx).string("refresh_token");
        TokenResponses.write(ctx, sessions.refresh(token, null, clientAddress.of(ctx)));
    }

    /** 204 also for an unknown token: the caller learns nothing, and logging out twice is fine. */
    void logout(Context ctx) {
        String token = Body.jsonOrForm(ctx).string("refresh_token");
        sessions.logout(token, null, clientAddress.of(ctx));
        ctx.status(204);
    }
}
