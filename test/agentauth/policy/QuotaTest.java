package agentauth.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * token_quota (CONTRACT Round 2 C): access tokens issued in a rolling hour and day, by every
 * grant; over an enforced quota 429 with Retry-After and nothing consumed; unenforced, served and
 * audited once a window. Time moves by MutableClock.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class QuotaTest {
    @Parameter
    Backend backend;
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MINUTES)); // quotas count whole minutes
    TestServer server;
    Agents agents;

    @BeforeEach
    void start() {
        server = TestServer.startOn(backend, clock);
        agents = new Agents(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static void assertOverQuota(Http.Response r, long retryAfter) {
        assertEquals(429, r.status(), r.body());
        assertEquals("too_many_requests", r.error());
        assertEquals(Long.toString(retryAfter), r.header("Retry-After"));
    }

    /** The agent's live sessions, counted by ending them all. */
    long liveSessions(String name) {
        Http.Response r = agents.http.send("POST", "/admin/api/users/" + name + "/revoke", null, null, "Authorization",
            Http.bearer(agents.http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token")));
        return r.json().get("revoked").asLong();
    }

    @Test
    void every_grant_counts_and_over_the_hour_a_429_consumes_nothing() {
        agents.created("hourly", "\"token_quota\": {\"per_hour\": 3}");
        Http.Response login = agents.login("hourly");
        clock.advance(Duration.ofMinutes(1));
        Http.Response refreshed = agents.refresh(login.text("refresh_token"));
        assertEquals(200, refreshed.status());
        assertEquals(200, agents.clientCredentials("hourly", Agents.SECRET).status());
        clock.advance(Duration.ofMinutes(9));

        String refresh = refreshed.text("refresh_token");
        assertOverQuota(agents.refresh(refresh), 3000);
        assertOverQuota(agents.login("hourly"), 3000);
        assertOverQuota(agents.clientCredentials("hourly", Agents.SECRET), 3000);

        clock.advance(Duration.ofSeconds(3000)); // the first token leaves the rolling hour
        Http.Response after = agents.refresh(refresh);
        assertEquals(200, after.status(), "the refresh token the 429 answered was not used: " + after.body());
        assertOverQuota(agents.login("hourly"), 60); // the next leaves a minute later
        assertEquals(1, liveSessions("hourly"), "the refused logins started no session");
    }

    @Test
    void the_day_counts_too_and_its_retry_after_waits_for_the_oldest_token_of_the_day() {
        agents.created("daily", "\"token_quota\": {\"per_hour\": 100, \"per_day\": 2}");
        assertEquals(200, agents.login("daily").status());
        clock.advance(Duration.ofHours(2));
        assertEquals(200, agents.clientCredentials("daily", Agents.SECRET).status());
        clock.advance(Duration.ofHours(2));
        assertOverQuota(agents.login("daily"), Duration.ofHours(20).toSeconds());
        assertEquals(200, agents.patch("daily", "\"token_quota\": null").status());
        assertEquals(200, agents.login("daily").status(), "no quota: no limit");
    }

    @Test
    void unenforced_it_is_served_and_audited_once_a_window() {
        agents.created("audited", "\"token_quota\": {\"per_hour\": 1, \"enforce\": false}");
        for (int i = 0; i < 4; i++) assertEquals(200, agents.clientCredentials("audited", Agents.SECRET).status());
        assertEquals(1, agents.audit("audited", "quota_exceeded").size(), "once in the hour");
        clock.advance(Duration.ofMinutes(61));
        assertEquals(200, agents.login("audited").status(), "the first of this hour: within the quota");
        assertEquals(1, agents.audit("audited", "quota_exceeded").size());
        assertEquals(200, agents.login("audited").status());
        assertEquals(2, agents.audit("audited", "quota_exceeded").size(), "a new window, a new event");
    }
}
