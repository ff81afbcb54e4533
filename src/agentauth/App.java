package agentauth;

import agentauth.audit.AuditTrail;
import agentauth.crypto.MasterKey;
import agentauth.dpop.DpopNonces;
import agentauth.dpop.DpopProofs;
import agentauth.store.DpopProofStore;
import agentauth.http.Api;
import agentauth.http.ClientAddress;
import agentauth.http.RequestOutcomes;
import agentauth.metrics.Events;
import agentauth.metrics.Gauge;
import agentauth.metrics.MetricsServer;
import agentauth.metrics.ServerMetrics;
import agentauth.session.Sessions;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.IssuanceStore;
import agentauth.store.RevocationStore;
import agentauth.store.SessionStore;
import agentauth.store.SettingsStore;
import agentauth.store.SigningKeyStore;
import agentauth.store.ThrottleStore;
import agentauth.store.UserStore;
import agentauth.store.sqlite.SqliteDatabase;
import agentauth.throttle.FailureThrottle;
import agentauth.throttle.Throttle;
import agentauth.throttle.Throttling;
import agentauth.revocation.RevocationList;
import agentauth.settings.SharedSettings;
import agentauth.token.AccessTokens;
import agentauth.token.KeyRotation;
import agentauth.token.Entitlements;
import agentauth.token.SigningKeys;
import agentauth.token.TokenIssuer;
import agentauth.user.Authenticator;
import agentauth.user.InactiveAgents;
import agentauth.user.PasswordHasher;
import agentauth.user.PolicyRules;
import agentauth.user.Users;
import io.javalin.Javalin;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: binds the listening socket, builds every service once with its
 * constructor, and runs the server. {@code Main} only parses the command line; tests build
 * this directly on port 0.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    private final Config config;
    private final Clock clock;
    private final Database db;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final RevocationStore revocations;
    private final SharedSettings shared;
    private final Api api;
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "housekeeping");
        t.setDaemon(true);
        return t;
    });
    private Javalin javalin;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ServerMetrics metrics; // null: --metrics-port not given
    private MetricsServer metricsServer;

    private App(Config config, Clock clock, Database db, PasswordHasher hasher, AuditLog audit, RevocationStore revocations,
                SharedSettings shared, Api api, ServerMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.db = db;
        this.hasher = hasher;
        this.audit = audit;
        this.revocations = revocations;
        this.shared = shared;
        this.api = api;
    }

    /** Binds the address, opens the database, prepares keys and users, and starts serving. */
    public static App start(Config config, Map<String, String> env, Clock clock) {
        // Bound first, so that with --port 0 the issuer knows its port before anything is built.
        ServerSocketChannel listener = Listener.bind(config.host(), config.port());
        Database db = null;
        PasswordHasher hasher = null;
        App app = null;
        try {
            db = Databases.serve(config, env);
            // The settings every instance must share: settled with the database before anything uses them.
            SharedSettings shared = new SharedSettings(db, new SettingsStore(db), config, clock);
            Database opened = db;
            config = db.write(c -> {
                opened.lockAcrossInstances(c, "bootstrap");
                return shared.reconcile(c, opened.sharedByInstances());
            });
            ServerMetrics metrics = config.observability().metricsPort() == null ? null
                : new ServerMetrics(agentauth.cli.Version.number());
            hasher = new PasswordHasher(config.hashing(), metrics == null ? Events.NONE : metrics);
            hasher.dummyHash();
            app = build(config, env, clock, db, hasher, config.issuerFor(Listener.port(listener)), shared, metrics);
            app.serveMetrics();
            app.serve(listener);
            return app;
        } catch (RuntimeException e) {
            if (app != null && app.metricsServer != null) app.metricsServer.close();
            Listener.closeQuietly(listener);
            if (hasher != null) hasher.close();
            if (db != null) db.close();
            throw e;
        }
    }

    private static App build(Config config, Map<String, String> env, Clock clock, Database db, PasswordHasher hasher,
                             String issuer, SharedSettings shared, ServerMetrics metrics) {
        Events events = metrics == null ? Events.NONE : metrics;
        AuditLog audit = new AuditLog(db, config.instanceId());
        UserStore userStore = new UserStore(db);
        SessionStore sessionStore = new SessionStore(db);
        SigningKeyStore keyStore = new SigningKeyStore(db);
        MasterKey masterKey = MasterKey.load(env, config.db(), keyStore.all().isEmpty() || config.resetSigningKeys());
        RevocationStore revocationStore = new RevocationStore(db);
        SigningKeys signingKeys = new SigningKeys(db, keyStore, revocationStore, audit, masterKey, clock, config.accessTtl());
        KeyRotation keyRotation = new KeyRotation(signingKeys, config.keyRotation(), config.keyPublishAhead());
        PolicyRules policyRules = new PolicyRules(policyLimits(config, issuer));
        Users users = new Users(db, userStore, sessionStore, audit, revocationStore, hasher, policyRules, clock, events);
        // Once, however many instances start together: the master key check, the first admin, the first key.
        SettingsStore settings = new SettingsStore(db);
        db.write(c -> {
            db.lockAcrossInstances(c, "bootstrap");
            checkMasterKey(c, settings, masterKey, config, clock);
            Bootstrap.firstAdmin(users, env);
            signingKeys.start(config.resetSigningKeys());
            return null;
        });
        // Names are keyed under a key every instance derives alike: the counters are shared (contract A).
        FailureThrottle throttle = FailureThrottle.shared(config.throttling(), new ThrottleStore(db), masterKey.derive("throttle keys v1"),
            audit, clock, events);
        Authenticator authenticator = new Authenticator(db, userStore, hasher, throttle, audit, clock);
        TokenIssuer tokenIssuer = new TokenIssuer(signingKeys, issuer, config.accessTtl(), policyRules, clock);
        Sessions sessions = new Sessions(db, sessionStore, userStore, tokenIssuer, audit, revocationStore,
            new Sessions.Lifetimes(config.refreshTtl(), config.adminSessionTtl(), config.refreshRetryWindow()), policyRules,
            clock, events);
        AccessTokens accessTokens = new AccessTokens(signingKeys, sessionStore, issuer, clock);
        Entitlements entitlements = new Entitlements(issuer, config.resources());
        // Nonces any instance accepts: keyed under a key every instance derives alike (contract A)
        DpopProofs dpop = new DpopProofs(config.dpop(), issuer, new DpopProofStore(db),
            new DpopNonces(masterKey.derive("dpop nonces v1"), clock), clock, events);
        shared.onChange(c -> { // a change made by `agent-auth settings set` (or another instance's start on SQLite)
            tokenIssuer.accessTtl(c.accessTtl());
            signingKeys.accessTtl(c.accessTtl());
            keyRotation.schedule(c.keyRotation(), c.keyPublishAhead());
            sessions.lifetimes(new Sessions.Lifetimes(c.refreshTtl(), c.adminSessionTtl(), c.refreshRetryWindow()));
            entitlements.resources(c.resources());
            hasher.parameters(c.hashing());
            throttle.rules(c.throttling());
            policyRules.limits(policyRules.limits().with(c.resources(), c.policy().maxAccessTtl(), c.policy().maxRefreshTtl()));
            dpop.settings(c.dpop());
        });
        Api api = new Api(issuer, users, authenticator, throttle, keyRotation, entitlements,
            sessions, accessTokens, new AuditTrail(audit), new RevocationList(revocationStore, clock),
            new ClientAddress(config.trustedProxies()), db::healthy, dpop);
        if (metrics != null) ServerGauges.register(metrics, api, db, clock);
        return new App(config, clock, db, hasher, audit, revocationStore, shared, api, metrics);
    }

    /** What an agent's own policy may say on this server (contract C). */
    static PolicyRules.Limits policyLimits(Config config, String issuer) {
        return new PolicyRules.Limits(issuer, config.resources(), config.policy().maxAccessTtl(), config.policy().maxRefreshTtl(),
            config.policy().requireOwner());
    }

    /** The metrics listener (--metrics-port), before the API serves: a port taken fails the start. */
    private void serveMetrics() {
        if (metrics == null) return;
        var o = config.observability();
        try {
            metricsServer = MetricsServer.start(o.metricsHost(), o.metricsPort(), metrics.registry());
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ConfigException("cannot serve metrics on " + o.metricsHost() + ":" + o.metricsPort() + ": " + why);
        }
        log.info("metrics on http://{}:{}/metrics", o.metricsHost(), metricsServer.port());
    }

    /** Contract A: an instance with another master key refuses to start, with one line. */
    private static void checkMasterKey(java.sql.Connection c, SettingsStore settings, MasterKey key, Config config,
                                       Clock clock) throws java.sql.SQLException {
        var stored = settings.get(c, "master_key_check");
        if (stored.isPresent() && key.opens(stored.get())) return;
        if (stored.isPresent() && !config.resetSigningKeys())
            throw new ConfigException("master key does not match database: the key from " + key.source() + " is not the one "
                + config.describeDb() + " was made with (restore that key, or start with --reset-signing-keys to discard "
                + "the signing keys, which invalidates every issued access token)");
        settings.put(c, "master_key_check", key.check(), clock.instant()); // first start, or keys discarded on purpose
    }

    private void serve(ServerSocketChannel listener) {
        javalin = HttpServer.create(config, api, listener, new RequestOutcomes(metrics, config.observability().accessLog()));
        javalin.start();
        if (metrics != null) metrics.gauge(Gauge.of("agentauth_http_requests_in_flight",
            "HTTP requests received and not answered yet (a stop waits for them).", () -> HttpServer.requestsInFlight(javalin)));
        housekeeping.scheduleWithFixedDelay(this::prune, 1, 60, TimeUnit.MINUTES);
        // Keys: read again every few seconds (made or revoked by another instance), rotated on schedule.
        long reload = KeyRotation.RELOAD.toMillis();
        housekeeping.scheduleWithFixedDelay(() -> quietly("reloading the signing keys", api.signingKeys()::reload),
            reload, reload, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(() -> quietly("rotating the signing keys", api.keyRotation()::run),
            10, 60, TimeUnit.SECONDS);
        // A settings change (agent-auth settings set) reaches every instance within 5 s.
        housekeeping.scheduleWithFixedDelay(() -> quietly("reading the shared settings", shared::reload), 5, 5, TimeUnit.SECONDS);
        if (db instanceof SqliteDatabase sqlite)
            housekeeping.scheduleWithFixedDelay(sqlite::checkpoint, 100, 100, TimeUnit.MILLISECONDS);
        scheduleInactiveAgents();
        // Accepted DPoP proofs are kept only while they could still be valid (a minute or so)
        housekeeping.scheduleWithFixedDelay(() -> quietly("pruning DPoP proofs", this::pruneDpopProofs), 30, 30, TimeUnit.SECONDS);
        if (!config.refreshRetryWindow().isZero()) // retry copies go when their window ends, even when idle
            housekeeping.scheduleWithFixedDelay(this::dropRetryCopies, 10, 10, TimeUnit.SECONDS);
        String issuer = api.issuer();
        try {
            audit.record(clock.instant(), "startup", null, "system", null, "listening on " + issuer);
        } catch (agentauth.error.AuthError e) { // storage fault (e.g. read-only): serve reads, 503 writes
            log.warn("could not record the startup event: {}", e.description());
        }
        if (!issuer.startsWith("https://") && !Listener.isLoopback(config.host()))
            log.warn("the issuer {} is not https on a non-loopback address: put TLS in front and set --issuer", issuer);
        log.info("agent-auth listening on {}:{} (issuer {}); admin page: {}/admin/", config.host(), port(), issuer, issuer);
    }

    /** Deletes dead sessions and old audit events, off the request path, on one instance at a time. */
    private void prune() {
        try {
            int[] pruned = db.write(c -> {
                if (!db.tryLockAcrossInstances(c, "prune")) return new int[2];
                revocations.prune(c, clock.instant());
                Throttling t = shared.current().throttling(); // a shared setting: as now set, not as at start
                long keep = Math.max(t.window().toMillis(), t.maxDelay().toMillis());
                new ThrottleStore(db).prune(c, clock.millis(), keep, Duration.ofDays(1).toMillis());
                new IssuanceStore().prune(c, clock.instant());
                return new int[] {api.sessions().prune(Duration.ofDays(1)), audit.prune(clock.instant().minus(config.auditRetention()))};
            });
            if (pruned[0] + pruned[1] > 0) log.info("pruned {} ended sessions and {} old audit events", pruned[0], pruned[1]);
        } catch (RuntimeException e) {
            log.warn("pruning failed: {}", e.getMessage());
        }
    }

    /**
     * --disable-inactive-after: checked a hundred times per period, between once a second and
     * once a minute, so an agent is disabled within about 1% of the period after it is due.
     */
    private void scheduleInactiveAgents() {
        Duration after = config.policy().disableInactiveAfter();
        if (after == null) return;
        InactiveAgents inactive = new InactiveAgents(db, new UserStore(db), new SessionStore(db), audit, revocations, clock);
        long every = Math.max(1_000, Math.min(60_000, after.toMillis() / 100));
        housekeeping.scheduleWithFixedDelay(() -> quietly("disabling inactive agents", () -> {
            java.util.List<String> names = inactive.disable(after);
            if (!names.isEmpty()) log.info("disabled {} agent(s) unused for {}: {}", names.size(), after, String.join(", ", names));
        }), every, every, TimeUnit.MILLISECONDS);
    }

    private void pruneDpopProofs() {
        new DpopProofStore(db).prune(clock.instant());
    }

    /** Scheduled work must not stop at a storage fault (the database answers again later): one line instead. */
    private static void quietly(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", what, e.getMessage());
        }
    }

    private void dropRetryCopies() {
        try {
            api.sessions().dropExpiredRetryCopies();
        } catch (RuntimeException e) {
            log.warn("dropping expired retry copies failed: {}", e.getMessage());
        }
    }

    public int port() { return javalin.port(); }
    /** The metrics listener's port, or -1 when metrics are off. */
    public int metricsPort() { return metricsServer == null ? -1 : metricsServer.port(); }
    public String issuer() { return api.issuer(); }
    public Api api() { return api; }
    public Database database() { return db; }
    public Users users() { return api.users(); }
    public SigningKeys signingKeys() { return api.signingKeys(); }
    public KeyRotation keyRotation() { return api.keyRotation(); }
    public Sessions sessions() { return api.sessions(); }
    public AuditLog audit() { return audit; }

    /** Stops accepting, lets in-flight requests finish, then closes the database; once (later calls return). */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) return;
        housekeeping.shutdownNow();
        try {
            HttpServer.stop(javalin); // requests in flight get up to HttpServer.STOP_TIMEOUT
        } finally { // whatever the HTTP side did, the database is closed (checkpointed, lock released)
            if (metricsServer != null) metricsServer.close();
            hasher.close();
            db.close();
        }
    }
}
