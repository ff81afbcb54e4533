package agentauth.metrics;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * agent-auth's metrics (contract G): the agentauth_* families, counted from the HTTP layer
 * ({@link #request}, {@link #tokenResponse}) and from the services' {@link Events}, then the
 * gauges the composition root adds ({@link #gauge}) and the JVM's. Every label value passes
 * through a fixed set here, whatever the caller hands in.
 */
public final class ServerMetrics implements Events {
    /** The grants of {@code tokens_issued_total}: /login, /refresh, and /oauth/token's two. */
    public static final List<String> GRANTS = List.of("login", "refresh", "client_credentials", "refresh_token");
    /** The throttle's counters (see FailureThrottle). */
    public static final List<String> THROTTLE_COUNTERS = List.of("name_address", "name", "address");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,40}");
    private static final double[] HASH_SECONDS = {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
    private static final String[] STATUS = new String[600];

    static {
        for (int i = 100; i < STATUS.length; i++) STATUS[i] = Integer.toString(i);
    }

    private final Registry registry = new Registry();
    private final Counter requests = registry.register(new Counter("agentauth_http_requests_total",
        "HTTP requests answered, by route template, method and status.", "route", "method", "status"));
    private final Histogram duration = registry.register(new Histogram("agentauth_http_request_duration_seconds",
        "Time from a request's arrival to the end of its answer, by route template.", Histogram.LATENCY, "route"));
    private final Counter issued = registry.register(new Counter("agentauth_tokens_issued_total",
        "Token responses (200), by grant: login, refresh, client_credentials, refresh_token.", "grant"));
    private final Counter errors = registry.register(new Counter("agentauth_token_errors_total",
        "Refused token requests, by grant and OAuth error code.", "grant", "error"));
    private final Counter reuse = registry.register(new Counter("agentauth_refresh_reuse_detected_total",
        "Used refresh tokens presented again: each ended its session."));
    private final Counter retryHits = registry.register(new Counter("agentauth_refresh_retry_window_hits_total",
        "Used refresh tokens presented again within the retry window, answered as before."));
    private final Counter throttled = registry.register(new Counter("agentauth_login_throttled_total",
        "Secret checks held back (429), by the counter that held them: name_address, name, address.", "counter"));
    private final AtomicInteger hashing = new AtomicInteger();
    private final Counter hashRejected = registry.register(new Counter("agentauth_argon2_rejected_total",
        "Secret checks refused (503) because every hashing slot and queue place was taken."));
    private final Histogram hashDuration = registry.register(new Histogram("agentauth_argon2_duration_seconds",
        "Time an Argon2id hash took once it had a slot.", HASH_SECONDS));
    private final Counter dpop = registry.register(new Counter("agentauth_dpop_rejected_total",
        "DPoP proofs refused, by reason.", "reason"));
    private final Counter kills = registry.register(new Counter("agentauth_kills_total", "Users killed by an admin."));

    /** @param version the build's version, for {@code agentauth_build_info} */
    public ServerMetrics(String version) {
        registry.register(Gauge.of("agentauth_argon2_inflight", "Argon2id hashes running now.", hashing::get));
        registry.register(new Gauge("agentauth_build_info", "The running build: always 1.", List.of("version"),
            () -> java.util.Map.of(List.of(version), 1.0)));
        for (String g : GRANTS) issued.preset(g);
        for (String c : THROTTLE_COUNTERS) throttled.preset(c);
        for (String r : DPOP_REASONS) dpop.preset(r);
        reuse.preset();
        retryHits.preset();
        hashRejected.preset();
        kills.preset();
        hashDuration.preset();
    }

    /** Adds a family read at scrape time (the server's state: keys, lists, pool). */
    public void gauge(Gauge g) {
        registry.register(g);
    }

    /** Adds the jvm_* and process_* families; last, so agent-auth's own come first. */
    public ServerMetrics withJvm() {
        registry.register(new JvmMetrics());
        return this;
    }

    public Registry registry() {
        return registry;
    }

    /** One answered request: {@code route} is a route template or a fixed marker, never a raw path. */
    public void request(String route, String method, int status, long nanos) {
        // The duration first: a scrape that sees the request counted sees its duration too (the
        // count is written before the histogram in a scrape, and read first).
        duration.observe(nanos / 1e9, route);
        requests.inc(route, METHODS.contains(method) ? method : "other", status >= 100 && status < 600 ? STATUS[status] : "other");
    }

    /** A token endpoint's answer: issued on 200, else refused with {@code error} (an OAuth error code). */
    public void tokenResponse(String grant, int status, String error) {
        String g = GRANTS.contains(grant) ? grant : "other";
        if (status == 200) issued.inc(g);
        else if (status >= 400) errors.inc(g, error != null && ERROR_CODE.matcher(error).matches() ? error : "other");
    }

    @Override public void refreshReuseDetected() { reuse.inc(); }

    @Override public void retryWindowHit() { retryHits.inc(); }

    @Override public void loginThrottled(String counter) { throttled.inc(THROTTLE_COUNTERS.contains(counter) ? counter : "other"); }

    @Override public void hashStarted() { hashing.incrementAndGet(); }

    @Override
    public void hashFinished(long nanos) {
        hashing.decrementAndGet();
        hashDuration.observe(nanos / 1e9);
    }

    @Override public void hashRejected() { hashRejected.inc(); }

    @Override public void dpopRejected(String reason) { dpop.inc(DPOP_REASONS.contains(reason) ? reason : "other"); }

    @Override public void userKilled() { kills.inc(); }
}
