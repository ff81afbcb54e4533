package agentauth.http;

import agentauth.error.AuthError;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Refuses cross-site browser requests at the endpoints that check a secret. A page elsewhere,
 * open in a browser on an agent's host, could otherwise post wrong secrets from the agent's own
 * address until the throttle held the agent's right secret back there. Browsers say where a
 * request comes from: {@code Sec-Fetch-Site: cross-site}, {@code Origin: null} (sandboxed or
 * opaque), or an {@code Origin} that is neither the issuer's nor the request's own (scheme and
 * Host). Clients that are not browsers send neither and pass; so does the admin page, which is
 * same-origin.
 */
final class SameOrigin {
    private final String issuerOrigin;

    SameOrigin(String issuer) {
        this.issuerOrigin = origin(issuer);
    }

    /** Wraps a route so that a cross-site request is refused before anything is checked or counted. */
    Handler only(Handler handler) {
        return ctx -> {
            refuseCrossSite(ctx);
            handler.handle(ctx);
        };
    }

    private void refuseCrossSite(Context ctx) {
        if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) throw refused();
        List<String> origins = Collections.list(ctx.req().getHeaders("Origin"));
        if (origins.isEmpty()) return;
        if (origins.size() > 1) throw refused();
        String origin = origin(origins.get(0));
        if (origin == null || !(origin.equals(issuerOrigin) || origin.equals(origin(ctx.scheme() + "://" + ctx.host()))))
            throw refused();
    }

    private static AuthError refused() {
        return new AuthError.InvalidRequest("Cross-site browser requests are refused here: call this endpoint from "
            + "the server's own pages or from a program, not from another site's page.");
    }

    /** scheme://host[:port] in lower case with the default port left out, or null ("null" included) when not a URL. */
    static String origin(String url) {
        if (url == null) return null;
        try {
            URI u = new URI(url.trim());
            String scheme = u.getScheme(), host = u.getHost();
            if (scheme == null || host == null) return null;
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = u.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
