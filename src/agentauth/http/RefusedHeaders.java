package agentauth.http;

import agentauth.error.AuthError;
import io.javalin.http.Context;
import java.util.List;

/**
 * Headers no route accepts, checked before routing. A method-override header makes a request
 * mean another method than the one a proxy saw: Javalin itself routed a GET carrying
 * {@code X-HTTP-Method-Override: DELETE} to the DELETE route, past any rule by method.
 */
final class RefusedHeaders {
    /** The override header and its relatives, which other frameworks behind a proxy honour. */
    static final List<String> METHOD_OVERRIDES = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    private RefusedHeaders() {}

    static void check(Context ctx) {
        for (String header : METHOD_OVERRIDES)
            if (ctx.req().getHeader(header) != null)
                throw new AuthError.InvalidRequest(header + " is not accepted: send the request with its own method.");
    }
}
