package agentauth.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import org.slf4j.MDC;

/**
 * Javalin's part of a request's record: the request's id, method and client address go into the
 * MDC for every log line written while it runs (and its route once matched); when Javalin is
 * done, the route template, the grant and error code of a token request, and the subject the
 * services named (MDC {@code sub}, {@code jti}) go into its {@link Exchange}, and the MDC is
 * cleared, since the thread serves another request next.
 */
final class RequestTracking {
    static final String ERROR_CODE = "agentauth.error"; // set by Errors on every refusal
    static final String GRANT = "agentauth.grant";      // set by OAuthTokenHandler: the body is read once

    private RequestTracking() {}

    /** Before every other hook, so that even a refused request's lines carry its id. */
    static void install(JavalinConfig config, ClientAddress addresses) {
        config.routes.before(ctx -> {
            Exchange x = exchange(ctx);
            MDC.clear();
            MDC.put("request_id", x.id);
            MDC.put("method", x.method);
            x.clientIp = addresses.of(ctx);
            MDC.put("client_ip", x.clientIp);
        });
        config.routes.beforeMatched(ctx -> {
            Endpoint e = ctx.endpoints().matchedHttpEndpoint();
            if (e != null) MDC.put("route", e.path);
        });
        config.requestLogger.http((ctx, ms) -> {
            try {
                Exchange x = exchange(ctx);
                x.route = route(ctx);
                x.grant = grant(ctx, x.route);
                x.error = ctx.attribute(ERROR_CODE);
                x.sub = MDC.get("sub");
                x.jti = MDC.get("jti");
            } finally {
                MDC.clear();
            }
        });
    }

    private static Exchange exchange(Context ctx) {
        Exchange x = ctx.attribute(RequestScope.ATTRIBUTE);
        if (x == null) { // served without RequestScope around it: logs still get an id
            x = new Exchange(RequestId.fresh(), ctx.method().name(), ctx.path(), ctx.req().getRemoteAddr());
            ctx.attribute(RequestScope.ATTRIBUTE, x);
        }
        return x;
    }

    /** The matched route's template, "/admin/*" for the admin page's files, else unmatched. */
    static String route(Context ctx) {
        Endpoint e = ctx.endpoints().lastHttpEndpoint();
        if (e != null && !e.path.isEmpty()) return e.path;
        int status = ctx.statusCode();
        if (status < 400 && ctx.path().startsWith("/admin/")) return "/admin/*";
        return Exchange.UNMATCHED;
    }

    /** The grant a token endpoint was asked for: one of a fixed set, "other" for anything else. */
    private static String grant(Context ctx, String route) {
        return switch (route) {
            case "/login" -> "login";
            case "/refresh" -> "refresh";
            case "/oauth/token" -> {
                String g = ctx.attribute(GRANT);
                yield g == null ? "other" : g;
            }
            default -> null;
        };
    }
}
