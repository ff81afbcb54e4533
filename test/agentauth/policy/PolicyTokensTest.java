package agentauth.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
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
 * What an agent's policy does to its tokens (CONTRACT Round 2 C), seen from outside: the exp and
 * expires_in of its access tokens, its sessions' lifetimes, the resources it may ask for, and its
 * own end (expires_at), told only to the holder of its secret.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class PolicyTokensTest {
    static final String API = "https://api.example.test", OTHER = "https://other.example.test";

    @Parameter
    Backend backend;
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    TestServer server;
    Agents agents;

    @BeforeEach
    void start() {
        server = TestServer.startOn(backend, clock, "--resource", API, "--resource", OTHER, "--access-ttl", "15m",
            "--refresh-ttl", "30d");
        agents = new Agents(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void last_used_at_follows_issuance_to_the_minute_so_refreshes_cost_no_write_each() {
        agents.created("in-use", "");
        Instant login = clock.instant();
        String refresh = agents.login("in-use").text("refresh_token");
        assertEquals(login.toString(), agents.user("in-use").get("last_used_at").asText(), "a login is a use");
        clock.advance(Duration.ofSeconds(59));
        refresh = agents.refresh(refresh).text("refresh_token");
        assertEquals(login.toString(), agents.user("in-use").get("last_used_at").asText(), "within the minute: not written");
        clock.advance(Duration.ofSeconds(2));
        agents.refresh(refresh);
        assertEquals(clock.instant().toString(), agents.user("in-use").get("last_used_at").asText(), "a minute on: written");
    }

    @Test
    void an_agents_own_ttls_set_exp_expires_in_and_refresh_expires_in_of_every_grant() {
        agents.created("short-lived", "\"access_ttl\": 120, \"refresh_ttl\": 3600");
        agents.created("by-default", "");
        Http.Response login = agents.login("short-lived");
        assertEquals(120, Agents.lifetime(login));
        assertEquals("120", login.text("expires_in"));
        assertEquals("3600", login.text("refresh_expires_in"));
        Http.Response refreshed = agents.refresh(login.text("refresh_token"));
        assertEquals(200, refreshed.status(), refreshed.body());
        assertEquals(120, Agents.lifetime(refreshed));
        Http.Response credentials = agents.clientCredentials("short-lived", Agents.SECRET);
        assertEquals(200, credentials.status(), credentials.body());
        assertEquals(120, Agents.lifetime(credentials));
        assertEquals("120", credentials.text("expires_in"));

        Http.Response plain = agents.login("by-default");
        assertEquals(900, Agents.lifetime(plain), "the server's --access-ttl");
        assertEquals(Long.toString(Duration.ofDays(30).toSeconds()), plain.text("refresh_expires_in"));

        assertEquals(200, agents.patch("short-lived", "\"access_ttl\": 600").status());
        assertEquals(600, Agents.lifetime(agents.refresh(refreshed.text("refresh_token"))), "a change applies to the next token");
    }

    @Test
    void an_agent_gets_tokens_only_for_its_own_resources_and_the_issuer_only_when_listed() {
        agents.created("api-only", "\"resources\": [\"" + API + "\"]");
        agents.created("anywhere", "");
        assertEquals("invalid_target", agents.login("api-only").error(), "the issuer is not on its list");
        assertEquals("invalid_target", agents.login("api-only", OTHER).error());
        assertEquals("invalid_target", agents.clientCredentials("api-only", Agents.SECRET, OTHER).error());
        Http.Response ok = agents.login("api-only", API);
        assertEquals(200, ok.status(), ok.body());
        assertEquals(API, Agents.claims(ok.text("access_token")).get("aud").asText());
        assertEquals(200, agents.clientCredentials("api-only", Agents.SECRET, API).status());
        assertEquals(200, agents.login("anywhere", OTHER).status(), "no list: every resource the server serves");
        assertEquals(200, agents.login("anywhere").status());

        Http.Response wrongSecret = agents.http.postJson("/login", Http.json("username", "api-only", "password",
            "not-the-secret-at-all", "resource", OTHER));
        assertEquals("invalid_client", wrongSecret.error(), "the list is told only after the secret");
    }

    @Test
    void narrowing_an_agents_resources_ends_its_sessions_for_the_dropped_ones() {
        agents.created("narrowed", "\"resources\": [\"" + API + "\", \"" + OTHER + "\"]");
        String onOther = agents.login("narrowed", OTHER).text("refresh_token");
        String onApi = agents.login("narrowed", API).text("refresh_token");
        assertEquals(200, agents.patch("narrowed", "\"resources\": [\"" + API + "\"]").status());
        Http.Response dropped = agents.refresh(onOther);
        assertEquals(401, dropped.status(), dropped.body());
        assertEquals("invalid_grant", dropped.error());
        assertEquals(200, agents.refresh(onApi).status(), "the session for a resource it keeps goes on");
    }

    @Test
    void no_token_or_session_outlives_expires_at() {
        Instant end = clock.instant().plus(Duration.ofMinutes(10));
        agents.created("ending", "\"expires_at\": \"" + end + "\"");
        Http.Response login = agents.login("ending");
        assertEquals(end.getEpochSecond(), Agents.claims(login.text("access_token")).get("exp").asLong(), "not now + 15m");
        assertEquals("600", login.text("expires_in"));
        assertEquals("600", login.text("refresh_expires_in"));
        clock.advance(Duration.ofMinutes(5));
        Http.Response refreshed = agents.refresh(login.text("refresh_token"));
        assertEquals(end.getEpochSecond(), Agents.claims(refreshed.text("access_token")).get("exp").asLong());
        assertEquals("300", refreshed.text("refresh_expires_in"));
        assertEquals(end.getEpochSecond(), Agents.claims(agents.clientCredentials("ending", Agents.SECRET)
            .text("access_token")).get("exp").asLong());
    }

    @Test
    void ending_an_identity_now_kills_its_live_access_tokens_at_offline_verifiers_too() {
        agents.created("ended-now", "");
        String access = agents.login("ended-now").text("access_token");
        JsonNode claims = Agents.claims(access);
        assertEquals(200, agents.http.get("/me", "Authorization", Http.bearer(access)).status());
        assertEquals(200, agents.patch("ended-now", "\"expires_at\": \"" + clock.instant().minusSeconds(1) + "\"").status());
        assertEquals(401, agents.http.get("/me", "Authorization", Http.bearer(access)).status());
        clock.advance(Duration.ofSeconds(1)); // the list is read again at most once a second (server clock)
        JsonNode subjects = agents.http.get("/revocations").json().get("subjects");
        assertEquals(claims.get("gen").asLong() + 1, subjects.get(claims.get("uid").asText()).asLong(), subjects.toString());
    }

    @Test
    void after_expires_at_only_the_secrets_holder_learns_it_and_an_extension_revives_a_session_started_before() {
        agents.created("expiring", "");
        agents.created("current", "");
        String refresh = agents.login("expiring").text("refresh_token"); // a session the later expires_at did not cap
        assertEquals(200, agents.patch("expiring", "\"expires_at\": \"" + clock.instant().plus(Duration.ofMinutes(10)) + "\"")
            .status());
        clock.advance(Duration.ofMinutes(10));

        Http.Response wrong = agents.http.login("expiring", "wrong-secret-for-it");
        assertEquals(401, wrong.status());
        assertEquals(agents.http.login("current", "wrong-secret-for-it").body(), wrong.body(),
            "a wrong secret for an expired agent: the answer to any wrong secret");
        assertEquals(agents.http.login("no-such-agent", "wrong-secret-for-it").body(), wrong.body());

        Http.Response right = agents.login("expiring");
        assertEquals(401, right.status());
        assertEquals("invalid_client", right.error());
        assertNotEquals(wrong.text("error_description"), right.text("error_description"), "the holder is told why");
        Http.Response credentials = agents.clientCredentials("expiring", Agents.SECRET);
        assertEquals(400, credentials.status(), credentials.body());
        assertEquals("invalid_client", credentials.error());
        Http.Response refused = agents.refresh(refresh);
        assertEquals(401, refused.status());
        assertEquals("invalid_grant", refused.error());

        assertEquals(200, agents.patch("expiring", "\"expires_at\": null").status());
        Http.Response revived = agents.refresh(refresh);
        assertEquals(200, revived.status(), "the refusal consumed nothing: " + revived.body());
        assertEquals(900, Agents.lifetime(revived));
    }
}
