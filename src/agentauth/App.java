package agentauth;

import agentauth.crypto.MasterKey;
import agentauth.http.ClientAddress;
import agentauth.http.Routes;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.sqlite.SqliteDatabase;
import agentauth.store.SessionStore;
import agentauth.store.SigningKeyStore;
import agentauth.store.UserStore;
import agentauth.throttle.FailureThrottle;
import agentauth.token.AccessTokens;
import agentauth.token.Entitlements;
import agentauth.session.Sessions;
import agentauth.token.SigningKeys;
import agentauth.token.TokenIssuer;
import agentauth.user.Authenticator;
import agentauth.user.PasswordHasher;
import agentauth.throttle.Throttle;
import agentauth.user.Users;
import io.javalin.Javalin;
import org.eclipse.jetty.server.handler.GracefulHandler;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: builds every service with its constructor and runs the server. */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    /** How long a stop waits for requests in flight before it closes their connections. */
    public static final java.time.Duration STOP_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final Services services;
    private final Javalin javalin;
    private final ScheduledExecutorService housekeeping;
    private final int port;
    private final Clock clock;

    private App(Services services, Javalin javalin, ScheduledExecutorService housekeeping, int port, Clock clock) {
        this.services = services;
        this.clock = clock;
        this.javalin = javalin;
        this.housekeeping = housekeeping;
        this.port = port;
    }

    /** Opens the database, prepares keys and users, and starts serving. */
    public static App start(Config config, Map<String, String> env, Clock clock) {
        SqliteDatabase db = SqliteDatabase.open(config.db(), config.durable());
        try {
            Services services;
            Javalin javalin;
            for (int attempt = 1; ; attempt++) {
                // With --port 0 the issuer needs the port before the server binds it: pick a free
                // one, and pick again in the rare case another process took it in between.
                int port = config.port() == 0 ? freePort(config.host()) : config.port();
                services = build(config, env, clock, db, config.issuerFor(port));
                javalin = server(config, services, port);
                try {
                    javalin.start();
                    break;
                } catch (JavalinBindException e) {
                    javalin.stop();
                    services.hasher().close();
                    if (config.port() != 0 || attempt == 5)
                        throw new ConfigException("cannot listen on " + config.host() + ":" + port + ": " + e.getMessage());
                }
            }
            String issuer = services.issuer();
            ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "housekeeping");
                t.setDaemon(true);
                return t;
            });
            App app = new App(services, javalin, housekeeping, javalin.port(), clock);
            housekeeping.scheduleWithFixedDelay(app::prune, 1, 60, TimeUnit.MINUTES);
            housekeeping.scheduleWithFixedDelay(db::checkpoint, 100, 100, TimeUnit.MILLISECONDS);
            if (!config.refreshRetryWindow().isZero()) // retry copies go when their window ends, even when idle
                housekeeping.scheduleWithFixedDelay(app::dropRetryCopies, 10, 10, TimeUnit.SECONDS);
            try {
                services.audit().record(clock.instant(), "startup", null, "system", null, "listening on " + issuer);
            } catch (agentauth.error.AuthError e) { // storage fault (e.g. read-only): serve reads, 503 writes
                log.warn("could not record the startup event: {}", e.description());
            }
            if (!issuer.startsWith("https://") && !isLoopback(config.host()))
                log.warn("the issuer {} is not https on a non-loopback address: put TLS in front and set --issuer", issuer);
            log.info("agent-auth listening on {}:{} (issuer {}); admin page: {}/admin/", config.host(), app.port, issuer, issuer);
            return app;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static Javalin server(Config config, Services services, int port) {
        return Javalin.create(c -> {
            c.jetty.host = config.host();
            c.jetty.port = port;
            c.startup.showJavalinBanner = false;
            c.http.maxRequestSize = agentauth.http.Body.MAX_BYTES;
            c.http.prefer405over404 = true;
            c.router.ignoreTrailingSlashes = false; // /admin must redirect to /admin/, not loop
            // A silent or trickling client is cut off after 30 s, so slow requests cannot hold threads;
            // requests Jetty rejects itself still get the contract's JSON error.
            c.jetty.modifyHttpConfiguration(h -> h.setIdleTimeout(30_000));
            c.jetty.modifyServer(server -> server.setErrorHandler(new agentauth.http.ProtocolErrors()));
            // Graceful stop: on close the connector stops accepting, and requests in flight
            // (a refresh whose rotation is committing) get up to STOP_TIMEOUT to answer.
            c.jetty.modifyServer(server -> {
                server.setHandler(new GracefulHandler()); // Javalin nests its handler inside
                server.setStopTimeout(STOP_TIMEOUT.toMillis());
            });
            Routes.install(c, services);
        });
    }

    private static Services build(Config config, Map<String, String> env, Clock clock, Database db, String issuer) {
        AuditLog audit = new AuditLog(db);
        UserStore userStore = new UserStore(db);
        SessionStore refreshStore = new SessionStore(db);
        SigningKeyStore keyStore = new SigningKeyStore(db);
        MasterKey masterKey = MasterKey.load(env, config.db(), keyStore.all().isEmpty() || config.resetSigningKeys());
        SigningKeys signingKeys = new SigningKeys(db, keyStore, audit, masterKey, clock, config.accessTtl(),
            config.resetSigningKeys());
        PasswordHasher hasher = new PasswordHasher(config.hashing());
        Users users = new Users(db, userStore, refreshStore, audit, hasher, clock);
        Bootstrap.firstAdmin(users, env);
        Throttle throttle = new FailureThrottle(config.throttling(), audit, clock);
        Authenticator authenticator = new Authenticator(db, userStore, hasher, throttle, audit, clock);
        TokenIssuer tokenIssuer = new TokenIssuer(signingKeys, issuer, config.accessTtl(), clock);
        Sessions sessions = new Sessions(db, refreshStore, userStore, tokenIssuer, audit,
            new Sessions.Lifetimes(config.refreshTtl(), config.adminSessionTtl(), config.refreshRetryWindow()), clock);
        AccessTokens accessTokens = new AccessTokens(signingKeys, userStore, refreshStore, issuer, clock);
        return new Services(config, issuer, db, audit, users, hasher, authenticator, throttle, signingKeys,
            new Entitlements(issuer, config.resources()), sessions, accessTokens, new ClientAddress(config.trustedProxies()));
    }

    /** Deletes dead sessions and old audit events, off the request path. */
    private void prune() {
        try {
            int families = services.sessions().prune(java.time.Duration.ofDays(1));
            int events = services.audit().prune(clock.instant().minus(services.config().auditRetention()));
            if (families + events > 0) log.info("pruned {} ended sessions and {} old audit events", families, events);
        } catch (RuntimeException e) {
            log.warn("pruning failed: {}", e.getMessage());
        }
    }

    private void dropRetryCopies() {
        try {
            services.sessions().dropExpiredRetryCopies();
        } catch (RuntimeException e) {
            log.warn("dropping expired retry copies failed: {}", e.getMessage());
        }
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new ConfigException("cannot bind " + host + ": " + e.getMessage());
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    public int port() { return port; }
    public String issuer() { return services.issuer(); }
    public Services services() { return services; }
    public Users users() { return services.users(); }
    public SigningKeys signingKeys() { return services.signingKeys(); }
    public Sessions sessions() { return services.sessions(); }
    public AuditLog audit() { return services.audit(); }

    /** Stops accepting, lets in-flight requests finish, then closes the database. */
    @Override
    public void close() {
        housekeeping.shutdownNow();
        javalin.stop(); // graceful: see STOP_TIMEOUT
        services.hasher().close();
        services.database().close();
    }

}
