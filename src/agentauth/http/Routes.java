package agentauth.http;

import agentauth.Services;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/** The route table: every path, its handler and who may call it. */
public final class Routes {
    /** The admin page runs only its own files: no inline script, nothing from elsewhere. */
    static final String ADMIN_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private Routes() {}

    public static void install(JavalinConfig config, Services s) {
        var login = new LoginHandler(s.authenticator(), s.grants(), s.refreshTokens(), s.clientAddress());
        var refresh = new RefreshHandler(s.refreshTokens(), s.clientAddress());
        var me = new MeHandler(s.accessTokens());
        var discovery = new DiscoveryHandler(s.signingKeys(), s.database(), s.issuer());

        config.routes.before(ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
        });

        // Agents: anyone may call; the body carries the proof (secret or refresh token).
        config.routes.post("/login", login::login);
        config.routes.post("/refresh", refresh::refresh);
        config.routes.post("/logout", refresh::logout);
        // Any valid access token for this server.
        config.routes.get("/me", me::me);

        // Public documents for verifiers and OAuth clients.
        config.routes.get("/.well-known/jwks.json", discovery::jwks);
        config.routes.get("/.well-known/oauth-authorization-server", discovery::metadata);
        config.routes.get("/health", discovery::health);

        // The admin page: static files from web/ in the jar.
        config.routes.get("/", ctx -> ctx.redirect("/admin/"));
        config.routes.get("/admin", ctx -> ctx.redirect("/admin/"));
        config.staticFiles.add(sf -> {
            sf.hostedPath = "/admin";
            sf.directory = "/web";
            sf.location = Location.CLASSPATH;
            sf.headers = Map.of("Content-Security-Policy", ADMIN_CSP, "Cache-Control", "no-cache",
                "X-Frame-Options", "DENY");
        });

        Errors.register(config);
    }
}
