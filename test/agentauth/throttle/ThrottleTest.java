package agentauth.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.store.AuditLog;
import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract's "Throttling" section, black-box over HTTP. Addresses are simulated with
 * X-Forwarded-For from a trusted proxy (the test itself on 127.0.0.1); time moves by MutableClock.
 * On both databases, one instance each (SeveralInstancesTest splits failures across two).
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ThrottleTest {
    @Parameter
    Backend backend;
    static final String SECRET = "agent-secret-123";

    MutableClock clock = new MutableClock();
    TestServer server;
    Http http;

    void start(String... flags) {
        List<String> all = new ArrayList<>(List.of("--trusted-proxy", "127.0.0.1/32"));
        all.addAll(List.of(flags));
        server = TestServer.startOn(backend, clock, all.toArray(String[]::new));
        server.createUser("agent", SECRET, "read");
        http = new Http(server.url());
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    Http.Response login(String name, String secret, String from) {
        return http.postJson("/login", Http.json("username", name, "password", secret), "X-Forwarded-For", from);
    }

    static void assertThrottled(Http.Response r, long retryAfter) {
        assertEquals(429, r.status(), r.body());
        assertEquals("too_many_requests", r.error());
        assertEquals(Long.toString(retryAfter), r.header("Retry-After"));
    }

    @Test
    void five_failures_then_429_from_30_seconds_doubling_up_to_15_minutes() {
        start();
        for (int i = 0; i < 5; i++) assertEquals(401, login("agent", "wrong-secret-99", "10.0.0.1").status());
        long[] expected = {30, 60, 120, 240, 480, 900, 900};
        for (long e : expected) assertThrottled(login("agent", "wrong-secret-99", "10.0.0.1"), e);
        // Held back without checking the secret: the right one is refused too.
        assertThrottled(login("agent", SECRET, "10.0.0.1"), 900);
    }

    @Test
    void after_the_delay_one_attempt_is_checked_and_a_success_resets_the_counter() {
        start();
        for (int i = 0; i < 5; i++) login("agent", "wrong-secret-99", "10.0.0.1");
        assertThrottled(login("agent", "wrong-secret-99", "10.0.0.1"), 30);
        clock.advance(Duration.ofSeconds(30));
        assertEquals(401, login("agent", "wrong-secret-99", "10.0.0.1").status(), "one attempt after the delay");
        assertThrottled(login("agent", SECRET, "10.0.0.1"), 60);
        clock.advance(Duration.ofSeconds(60));
        assertEquals(200, login("agent", SECRET, "10.0.0.1").status());
        for (int i = 0; i < 5; i++) assertEquals(401, login("agent", "wrong-secret-99", "10.0.0.1").status(), "reset by the success");
        assertThrottled(login("agent", "wrong-secret-99", "10.0.0.1"), 30);
    }

    @Test
    void a_success_below_the_threshold_resets_the_counter_and_a_success_with_nothing_counted_counts_nothing() {
        start();
        assertEquals(200, login("agent", SECRET, "10.0.0.1").status(), "nothing counted yet");
        for (int i = 0; i < 4; i++) assertEquals(401, login("agent", "wrong-secret-99", "10.0.0.1").status());
        assertEquals(200, login("agent", SECRET, "10.0.0.1").status());
        for (int i = 0; i < 5; i++) assertEquals(401, login("agent", "wrong-secret-99", "10.0.0.1").status(), "reset by the success");
        assertThrottled(login("agent", "wrong-secret-99", "10.0.0.1"), 30);
    }

    @Test
    void an_unknown_name_is_throttled_exactly_like_a_real_one() {
        start();
        List<String> real = new ArrayList<>(), unknown = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            real.add(outcome(login("agent", "wrong-secret-99", "10.0.0.1")));
            unknown.add(outcome(login("no-such-agent", "wrong-secret-99", "10.0.0.1")));
        }
        assertEquals(real, unknown);
        assertEquals("429 60", real.get(6));
    }

    static String outcome(Http.Response r) {
        return r.status() + " " + (r.status() == 429 ? r.header("Retry-After") : r.body());
    }

    @Test
    void the_name_is_held_back_everywhere_after_20_failures_from_many_addresses_except_where_it_recently_succeeded() {
        start();
        assertEquals(200, login("agent", SECRET, "10.0.0.1").status());
        for (int i = 0; i < 20; i++) assertEquals(401, login("AGENT", "wrong-secret-99", "10.1.0." + i).status());
        assertThrottled(login("agent", SECRET, "10.2.0.1"), 30);
        assertThrottled(login("Agent", "wrong-secret-99", "10.1.0.99"), 60);
        assertEquals(200, login("agent", SECRET, "10.0.0.1").status(), "exempt where it succeeded in the last 24 hours");
        clock.advance(Duration.ofHours(23));
        assertEquals(200, login("agent", SECRET, "10.0.0.1").status());
    }

    @Test
    void the_exemption_ends_24_hours_after_the_last_success() {
        start("--throttle-window", "48h");
        assertEquals(200, login("agent", SECRET, "10.0.0.1").status());
        for (int i = 0; i < 20; i++) login("agent", "wrong-secret-99", "10.1.0." + i);
        clock.advance(Duration.ofHours(24));
        assertThrottled(login("agent", SECRET, "10.0.0.1"), 30);
    }

    @Test
    void an_address_is_held_back_after_50_different_failing_names_but_an_agent_that_succeeded_there_is_not() {
        start();
        assertEquals(200, login("agent", SECRET, "192.0.2.7").status());
        for (int i = 0; i < 50; i++) assertEquals(401, login("guess-" + i, "wrong-secret-99", "192.0.2.7").status());
        assertThrottled(login("guess-50", "wrong-secret-99", "192.0.2.7"), 30);
        assertThrottled(login("guess-0", "wrong-secret-99", "192.0.2.7"), 60);
        assertEquals(200, login("agent", SECRET, "192.0.2.7").status(), "agents sharing a NAT do not lock each other out");
        assertEquals(401, login("guess-50", "wrong-secret-99", "192.0.2.8").status(), "other addresses are not affected");
        clock.advance(Duration.ofMinutes(10).plusSeconds(120));
        assertEquals(401, login("guess-50", "wrong-secret-99", "192.0.2.7").status(), "forgotten after the 10-minute window");
    }

    @Test
    void an_address_is_held_back_after_100_failed_checks() {
        start("--throttle-failures", "1000", "--throttle-name-failures", "1000");
        for (int i = 0; i < 100; i++) assertEquals(401, login("guess-" + (i % 3), "wrong-secret-99", "192.0.2.9").status());
        assertThrottled(login("guess-0", "wrong-secret-99", "192.0.2.9"), 30);
    }

    @Test
    void failures_are_forgotten_after_the_window() {
        start();
        for (int i = 0; i < 4; i++) login("agent", "wrong-secret-99", "10.0.0.1");
        clock.advance(Duration.ofMinutes(15));
        for (int i = 0; i < 4; i++) assertEquals(401, login("agent", "wrong-secret-99", "10.0.0.1").status());
        assertEquals(401, login("agent", "wrong-secret-99", "10.0.0.1").status());
        assertThrottled(login("agent", "wrong-secret-99", "10.0.0.1"), 30);
    }

    @Test
    void the_numbers_are_flags() {
        start("--throttle-failures", "2", "--throttle-delay", "5s", "--throttle-max-delay", "12s");
        for (int i = 0; i < 2; i++) assertEquals(401, login("agent", "wrong-secret-99", "10.0.0.1").status());
        assertThrottled(login("agent", "wrong-secret-99", "10.0.0.1"), 5);
        assertThrottled(login("agent", "wrong-secret-99", "10.0.0.1"), 10);
        assertThrottled(login("agent", "wrong-secret-99", "10.0.0.1"), 12);
    }

    @Test
    void clearing_a_name_lifts_its_throttle_at_every_address() {
        start();
        for (int i = 0; i < 5; i++) login("agent", "wrong-secret-99", "10.0.0.1");
        for (int i = 0; i < 15; i++) login("agent", "wrong-secret-99", "10.1.0." + i);
        assertThrottled(login("agent", SECRET, "10.0.0.1"), 30);
        assertThrottled(login("agent", SECRET, "10.3.0.1"), 60);
        server.app().api().throttle().clear("AGENT");
        assertEquals(200, login("agent", SECRET, "10.0.0.1").status());
        assertEquals(200, login("agent", SECRET, "10.3.0.1").status());
    }

    @Test
    void throttled_attempts_are_audited_once_per_window_without_a_failed_login_event() {
        start();
        for (int i = 0; i < 5; i++) login("agent", "wrong-secret-99", "10.0.0.1");
        for (int i = 0; i < 10; i++) assertEquals(429, login("agent", SECRET, "10.0.0.1").status());
        List<AuditLog.Event> throttled = server.app().audit().list(100, null, null, "throttled").events();
        assertEquals(1, throttled.size());
        assertEquals("agent", throttled.get(0).user());
        assertEquals("10.0.0.1", throttled.get(0).address());
        assertEquals(5, server.app().audit().list(100, null, null, "login_failed").events().size(),
            "a 429 checks no secret, so it is no failed login");
    }

    @Test
    void the_admin_route_unthrottles_a_name() {
        start();
        for (int i = 0; i < 5; i++) login("agent", "wrong-secret-99", "10.0.0.1");
        assertThrottled(login("agent", SECRET, "10.0.0.1"), 30);
        String admin = login("admin", TestServer.ADMIN_PASSWORD, "10.9.0.1").text("access_token");
        assertEquals(204, http.send("POST", "/admin/api/users/Agent/unthrottle", null, null,
            "Authorization", Http.bearer(admin), "X-Forwarded-For", "10.9.0.1").status());
        assertEquals(200, login("agent", SECRET, "10.0.0.1").status());
    }

    @Test
    void the_oauth_token_endpoint_shares_the_same_counters() {
        start();
        for (int i = 0; i < 5; i++) {
            Http.Response r = http.postForm("/oauth/token", Http.form("grant_type", "client_credentials",
                "client_id", "agent", "client_secret", "wrong-secret-99"), "X-Forwarded-For", "10.0.0.1");
            assertEquals(400, r.status(), r.body()); // invalid_client, as client_secret_post failures are
            assertEquals("invalid_client", r.error());
        }
        assertThrottled(login("agent", SECRET, "10.0.0.1"), 30);
        Http.Response r = http.postForm("/oauth/token", Http.form("grant_type", "client_credentials",
            "client_id", "agent", "client_secret", SECRET), "X-Forwarded-For", "10.0.0.1");
        assertThrottled(r, 60);
    }
}
