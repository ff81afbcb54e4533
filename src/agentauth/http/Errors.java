package agentauth.http;

import agentauth.error.AuthError;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place errors become responses: {"error","error_description"} with the OAuth codes.
 * Expected errors are not logged with stack traces; unexpected ones are logged in full and
 * answered with a bare 500 server_error.
 */
final class Errors {
    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    private Errors() {}

    static void register(JavalinConfig config) {
        config.routes.exception(AuthError.class, (e, ctx) -> write(ctx, e));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromJavalin(e.getStatus())));
        config.routes.exception(Exception.class, (e, ctx) -> {
            if (e.getCause() instanceof AuthError a) { // e.g. wrapped by a library callback
                write(ctx, a);
                return;
            }
            log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            write(ctx, new AuthError.ServerError());
        });
        // Answers Javalin produces without an exception (no route, wrong method).
        config.routes.error(404, "*", ctx -> { if (isNotOurs(ctx)) write(ctx, fromJavalin(404)); });
        config.routes.error(405, "*", ctx -> { if (isNotOurs(ctx)) write(ctx, fromJavalin(405)); });
    }

    /** True when the response does not carry our JSON error body yet. */
    private static boolean isNotOurs(Context ctx) {
        String ct = ctx.res().getContentType();
        return ct == null || !ct.startsWith("application/json");
    }

    static AuthError fromJavalin(int status) {
        return switch (status) {
            case 404 -> new AuthError.NotFound("There is nothing at this path.");
            case 405 -> new AuthError.MethodNotAllowed();
            case 413 -> Body.tooLarge();
            case 415 -> new AuthError.UnsupportedMediaType("This content type is not accepted here.");
            case 431 -> new AuthError.RequestTooLarge(431, "The request headers are too large.");
            default -> status >= 500 ? new AuthError.ServerError() : new AuthError.InvalidRequest("The request is not valid.");
        };
    }

    static void write(Context ctx, AuthError e) {
        ctx.attribute(RequestTracking.ERROR_CODE, e.code()); // for the metrics of token requests
        if (e.getCause() != null) log.warn("{} {}: {} ({})", ctx.method(), ctx.path(), e.code(), e.getCause().getMessage());
        if (e.retryAfterSeconds() > 0) ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        boolean dpop = Boolean.TRUE.equals(ctx.attribute(DpopHeaders.CHALLENGE));
        if (e instanceof AuthError.UseDpopNonce n) ctx.header("DPoP-Nonce", n.nonce()); // RFC 9449 §8
        if (e instanceof AuthError.MissingToken) ctx.header("WWW-Authenticate", "Bearer"); // RFC 6750 §3.1: no error code
        else if (e.status() == 401 && (dpop || e.code().equals("invalid_dpop_proof"))) // RFC 9449 §7.1
            ctx.header("WWW-Authenticate", "DPoP error=\"" + e.code() + "\", algs=\"ES256\"");
        else if (e.status() == 401 && e.code().equals("invalid_token"))
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        if (e.status() == 403 && e.code().equals("insufficient_scope") && (Bearer.used(ctx) || dpop)) // RFC 6750 §3: not for clients that used Basic
            ctx.header("WWW-Authenticate", (dpop ? "DPoP" : "Bearer") + " error=\"insufficient_scope\"");
        ctx.header("Cache-Control", "no-store");
        ctx.status(e.status()).contentType("application/json").result(body(e));
    }

    /** The contract's error body: {"error","error_description"}. */
    static byte[] body(AuthError e) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("error_description", e.description());
        return Json.bytes(body);
    }
}
