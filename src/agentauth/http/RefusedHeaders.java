package agentauth.http;

import agentauth.error.AuthError;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;

/**
 * Headers no route accepts, checked before routing: each makes a request mean something other
 * than what a proxy in front saw. Javalin itself routed a GET carrying
 * {@code X-HTTP-Method-Override: DELETE} to the DELETE route, past any rule by method; and of two
 * Authorization headers the server read the first while a proxy may check the last.
 */
final class RefusedHeaders {
    /** The override header and its relatives, which other frameworks behind a proxy honour. */
    static final List<String> METHOD_OVERRIDES = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    private RefusedHeaders() {}

    static void check(Context ctx) {
        for (String header : METHOD_OVERRIDES)
            if (ctx.req().getHeader(header) != null)
                throw new AuthError.InvalidRequest(header + " is not accepted: send the request with its own method.");
        if (Collections.list(ctx.req().getHeaders("Authorization")).size() > 1)
            throw new AuthError.InvalidRequest("Send one Authorization header, not several.");
    }
}
