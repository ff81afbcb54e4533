package agentauth.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import io.javalin.http.staticfiles.Location;
import java.net.URI;
import java.util.Map;

/** The route table: every path, its handler and who may call it. */
public final class Routes {
    /** The admin page runs only its own files: no inline script, nothing from elsewhere. */
    static final String ADMIN_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private Routes() {}

    public static void install(JavalinConfig config, Api s) {
        var login = new LoginHandler(s.authenticator(), s.entitlements(), s.sessions(), s.clientAddress(), s.dpop());
        var refresh = new RefreshHandler(s.sessions(), s.clientAddress(), s.dpop());
        // Bearer tokens, and DPoP-bound ones only with a proof from their key (RFC 9449 §7)
        var resourceAuth = new ResourceAuth(s.accessTokens(), s.dpop());
        var me = new MeHandler(resourceAuth);
        var discovery = new DiscoveryHandler(s.keyRotation(), s.storageHealthy(), s.issuer(), s.entitlements()::resources, s.dpop());

        // First: every log line of a request carries its id, even one refused by the next hook.
        RequestTracking.install(config, s.clientAddress());
        config.routes.before(ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
            RefusedHeaders.check(ctx);
        });

        // Agents: anyone may call; the body carries the proof (secret or refresh token). Where a
        // secret is checked, cross-site browser requests are refused before it is (sameOrigin).
        var sameOrigin = new SameOrigin(s.issuer());
        config.routes.post("/login", sameOrigin.only(login::login));
        config.routes.post("/refresh", refresh::refresh);
        config.routes.post("/logout", refresh::logout);
        // Any valid access token for this server.
        getAndHead(config, "/me", me::me);

        // Standard OAuth 2.0 (RFC 6749, 7009, 7662, 8707): the client authenticates
        // (HTTP Basic or client_id/client_secret in the form) on every call; forms only.
        var clientAuth = new ClientAuth(s.authenticator(), s.clientAddress());
        var oauthToken = new OAuthTokenHandler(clientAuth, s.clientAddress(), Map.of(
            "client_credentials", new OAuthClientCredentialsGrant(s.entitlements(), s.sessions(), s.dpop()),
            "refresh_token", new OAuthRefreshTokenGrant(s.entitlements(), s.sessions())), s.dpop());
        var oauthRevoke = new OAuthRevokeHandler(clientAuth, s.clientAddress(), s.accessTokens(), s.sessions(), s.dpop());
        var oauthIntrospect = new OAuthIntrospectHandler(clientAuth, s.accessTokens());
        config.routes.post("/oauth/token", sameOrigin.only(oauthToken::token));
        config.routes.post("/oauth/revoke", sameOrigin.only(oauthRevoke::revoke));
        // Only for callers holding 'introspect' or 'admin' (resource servers, operators).
        config.routes.post("/oauth/introspect", sameOrigin.only(oauthIntrospect::introspect));

        // Public documents for verifiers and OAuth clients.
        getAndHead(config, "/.well-known/jwks.json", discovery::jwks);
        getAndHead(config, "/.well-known/oauth-authorization-server", discovery::metadata);
        // RFC 8414 §3.1: for an issuer with a path (a proxy's prefix), clients ask at
        // /.well-known/oauth-authorization-server/<path>; a proxy may pass that on as it is
        String issuerPath = URI.create(s.issuer()).getRawPath();
        if (issuerPath != null && issuerPath.matches("(/[A-Za-z0-9._~-]+)+"))
            getAndHead(config, "/.well-known/oauth-authorization-server" + issuerPath, discovery::metadata);
        getAndHead(config, "/health", discovery::health);          // readiness: the database answers
        getAndHead(config, "/health/live", discovery::live);       // liveness: the process serves
        // The kill switch for offline verifiers: what no longer counts though signed and unexpired.
        getAndHead(config, "/revocations", new RevocationsHandler(s.revocations())::get);
        // The Python client that matches this server, for agents to fetch (from the jar).
        getAndHead(config, ClientDownloadHandler.PYTHON_CLIENT,
            new ClientDownloadHandler(ClientDownloadHandler.PYTHON_CLIENT)::get);

        // Admin API: bearer token with scope admin, aud = issuer, live state checked
        // (admin.guard: a disabled or demoted admin's token stops at once). No answer is cached,
        // errors and unknown paths included.
        var admin = new AdminAuth(resourceAuth, s.clientAddress());
        var adminUsers = new AdminUsersHandler(s.users(), s.throttle());
        var adminAudit = new AdminAuditHandler(s.audit());
        var adminKeys = new AdminKeysHandler(s.keyRotation());
        config.routes.before("/admin/api/*", ctx -> ctx.header("Cache-Control", "no-store"));
        getAndHead(config, "/admin/api/users", admin.guard(adminUsers::list));
        config.routes.post("/admin/api/users", admin.guard(adminUsers::create));
        getAndHead(config, "/admin/api/users/{name}", admin.guard(adminUsers::get));
        config.routes.patch("/admin/api/users/{name}", admin.guard(adminUsers::patch));
        config.routes.delete("/admin/api/users/{name}", admin.guard(adminUsers::delete));
        config.routes.post("/admin/api/users/{name}/revoke", admin.guard(adminUsers::revoke));
        config.routes.post("/admin/api/users/{name}/unthrottle", admin.guard(adminUsers::unthrottle));
        config.routes.post("/admin/api/users/{name}/kill", admin.guard(adminUsers::kill));
        getAndHead(config, "/admin/api/audit", admin.guard(adminAudit::list));
        getAndHead(config, "/admin/api/keys", admin.guard(adminKeys::list));
        config.routes.post("/admin/api/keys/rotate", admin.guard(adminKeys::rotate));
        config.routes.post("/admin/api/keys/{kid}/revoke", admin.guard(adminKeys::revoke));

        // The admin page: static files from web/ in the jar.
        getAndHead(config, "/", ctx -> ctx.redirect("/admin/"));
        getAndHead(config, "/admin", ctx -> ctx.redirect("/admin/"));
        config.staticFiles.add(sf -> {
            sf.hostedPath = "/admin";
            sf.directory = "/web";
            sf.location = Location.CLASSPATH;
            sf.headers = Map.of("Content-Security-Policy", ADMIN_CSP, "Cache-Control", "no-cache",
                "X-Frame-Options", "DENY");
        });

        Errors.register(config);
    }

    /**
     * GET, and HEAD through the same handler: the same status and headers, authorization
     * included, and Jetty sends no body. Left to itself, Javalin answered HEAD on a GET route
     * with 200 without running the route, telling anyone without a token that it exists.
     */
    private static void getAndHead(JavalinConfig config, String path, Handler handler) {
        config.routes.get(path, handler);
        config.routes.head(path, handler);
    }
}
