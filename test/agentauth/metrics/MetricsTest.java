package agentauth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /metrics on its own listener, against a real server: the contract's families, counted as things happen. */
class MetricsTest {
    @AutoClose
    static final TestServer server = TestServer.start("--metrics-port", "0", "--throttle-failures", "3",
        "--refresh-retry-window", "120s"); // long: a retry must land inside it on a loaded machine
    static final Http http = new Http(server.url());
    static Scraper metrics;

    @BeforeAll
    static void connectScraper() {
        metrics = new Scraper(server.app().metricsPort());
    }

    @Test
    void a_scrape_has_every_family_of_the_contract_and_parses_strictly() {
        Exposition e = metrics.scrape();
        for (String family : List.of("agentauth_http_requests_total", "agentauth_http_request_duration_seconds",
            "agentauth_tokens_issued_total", "agentauth_token_errors_total", "agentauth_refresh_reuse_detected_total",
            "agentauth_refresh_retry_window_hits_total", "agentauth_login_throttled_total", "agentauth_argon2_inflight",
            "agentauth_argon2_rejected_total", "agentauth_argon2_duration_seconds", "agentauth_dpop_rejected_total",
            "agentauth_kills_total", "agentauth_revocation_list_entries", "agentauth_signing_keys",
            "agentauth_signing_key_age_seconds", "agentauth_build_info", "agentauth_http_requests_in_flight", "jvm_memory_used_bytes", "jvm_gc_collection_seconds",
            "jvm_threads_current", "process_cpu_seconds_total", "process_open_fds", "process_start_time_seconds",
            "process_resident_memory_bytes"))
            assertTrue(e.types.containsKey(family), "missing " + family);
        assertEquals(1.0, e.value("agentauth_signing_keys", "state", "current"));
        assertEquals(0.0, e.value("agentauth_dpop_rejected_total", "reason", "replay"), "registered before DPoP counts");
        assertNotNull(e.value("agentauth_build_info", "version", agentauth.cli.Version.number()));
        assertTrue(e.value("process_start_time_seconds") > 1.6e9);
    }

    @Test
    void tokens_and_refusals_are_counted_by_grant_and_error_code() {
        server.createUser("counted", "counted-secret-1", "read");
        double logins = metrics.value("agentauth_tokens_issued_total", "grant", "login");
        double refreshes = metrics.value("agentauth_tokens_issued_total", "grant", "refresh");
        double cc = metrics.value("agentauth_tokens_issued_total", "grant", "client_credentials");
        double badGrant = metrics.value("agentauth_token_errors_total", "grant", "refresh", "error", "invalid_grant");
        double reuse = metrics.value("agentauth_refresh_reuse_detected_total");
        double retries = metrics.value("agentauth_refresh_retry_window_hits_total");

        String refresh = http.login("counted", "counted-secret-1").text("refresh_token");
        assertEquals(200, http.postForm("/refresh", Http.form("refresh_token", refresh)).status());
        assertEquals(200, http.postForm("/refresh", Http.form("refresh_token", refresh)).status(), "within the retry window");
        assertEquals(401, http.postForm("/refresh", Http.form("refresh_token", "no-such-token")).status());
        assertEquals(200, http.postForm("/oauth/token", Http.form("grant_type", "client_credentials", "client_id", "counted",
            "client_secret", "counted-secret-1")).status());

        assertEquals(logins + 1, metrics.value("agentauth_tokens_issued_total", "grant", "login"));
        assertEquals(refreshes + 2, metrics.value("agentauth_tokens_issued_total", "grant", "refresh"));
        assertEquals(cc + 1, metrics.value("agentauth_tokens_issued_total", "grant", "client_credentials"));
        assertEquals(badGrant + 1, metrics.value("agentauth_token_errors_total", "grant", "refresh", "error", "invalid_grant"));
        assertEquals(retries + 1, metrics.value("agentauth_refresh_retry_window_hits_total"));
        assertEquals(reuse, metrics.value("agentauth_refresh_reuse_detected_total"), "a retry is no reuse");
    }

    @Test
    void reuse_throttling_hashing_and_kills_are_counted() throws Exception {
        server.createUser("watched", "watched-secret-1", "read");
        double reuse = metrics.value("agentauth_refresh_reuse_detected_total");
        double throttled = metrics.value("agentauth_login_throttled_total", "counter", "name_address");
        double kills = metrics.value("agentauth_kills_total");
        double hashes = metrics.value("agentauth_argon2_duration_seconds_count");

        String first = http.login("watched", "watched-secret-1").text("refresh_token");
        String second = http.postForm("/refresh", Http.form("refresh_token", first)).text("refresh_token");
        http.postForm("/refresh", Http.form("refresh_token", second)); // past the window for 'first' once 'second' is used
        assertEquals(401, http.postForm("/refresh", Http.form("refresh_token", first)).status());
        for (int i = 0; i < 3; i++) assertEquals(401, http.login("watched", "wrong-secret").status());
        assertEquals(429, http.login("watched", "wrong-secret").status());
        String admin = http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
        assertEquals(200, http.send("POST", "/admin/api/users/watched/kill", null, null, "Authorization", Http.bearer(admin)).status());

        assertEquals(reuse + 1, metrics.value("agentauth_refresh_reuse_detected_total"));
        assertEquals(throttled + 1, metrics.value("agentauth_login_throttled_total", "counter", "name_address"));
        assertEquals(kills + 1, metrics.value("agentauth_kills_total"));
        assertTrue(metrics.value("agentauth_argon2_duration_seconds_count") >= hashes + 4, "each secret check hashed");
        assertEquals(0.0, metrics.value("agentauth_argon2_inflight"));
        assertTrue(awaitAtLeast("agentauth_revocation_list_entries", 1), "the kill is listed (the list is read once a second)");
    }

    /** Scrapes until {@code done} holds (a minute at most), and fails if it never does. */
    /** A series not shown yet counts as 0 while waiting: the request is counted once its answer is complete. */
    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }

    private static Exposition scrapeUntil(java.util.function.Predicate<Exposition> done) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Exposition e = metrics.scrape();
            if (done.test(e)) return e;
            if (System.nanoTime() > deadline) throw new AssertionError("the scrape never showed it:\n" + e);
            try {
                Thread.sleep(20); // between scrapes: each is a request to the server under test
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new AssertionError(ie);
            }
        }
    }

    /** Polls a gauge until it reaches {@code least} (a minute at most). */
    private static boolean awaitAtLeast(String name, double least) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (metrics.value(name) >= least) return true;
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void requests_are_counted_by_route_template_method_and_status() {
        String path = "/admin/api/users/{name}";
        double before = metrics.value("agentauth_http_requests_total", "route", path, "method", "GET", "status", "401");
        assertEquals(401, http.get("/admin/api/users/somebody-" + System.nanoTime()).status());
        // a request is counted once its answer is complete, which the client may see first
        Exposition e = scrapeUntil(x -> orZero(x.value("agentauth_http_requests_total", "route", path, "method", "GET", "status", "401")) > before);
        assertEquals(before + 1, e.value("agentauth_http_requests_total", "route", path, "method", "GET", "status", "401"));
        assertTrue(e.value("agentauth_http_request_duration_seconds_count", "route", path) >= 1);
        assertEquals(200, http.get("/admin/admin.css").status());
        scrapeUntil(x -> orZero(x.value("agentauth_http_requests_total", "route", "/admin/*", "method", "GET", "status", "200")) >= 1);
    }

    @Test
    void the_metrics_listener_serves_metrics_only_and_the_api_does_not_serve_them() {
        Http side = new Http("http://127.0.0.1:" + server.app().metricsPort());
        assertEquals(404, side.get("/health").status());
        assertEquals(404, side.get("/.well-known/jwks.json").status());
        assertEquals(405, side.send("POST", "/metrics", "text/plain", new byte[0]).status());
        assertEquals(404, http.get("/metrics").status());
    }

    @Test
    void a_metrics_port_in_use_stops_the_start_with_one_line() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(agentauth.ConfigException.class,
            () -> TestServer.start("--metrics-port", Integer.toString(server.app().metricsPort())));
        assertTrue(e.getMessage().startsWith("cannot serve metrics on 127.0.0.1:"), e.getMessage());
    }

    @Test
    void metrics_are_off_unless_asked_for() {
        try (TestServer plain = TestServer.start()) {
            assertEquals(-1, plain.app().metricsPort());
        }
    }
}
