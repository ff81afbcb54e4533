package agentauth.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The per-agent policy fields in the admin API (CONTRACT Round 2 C): stored and returned on both
 * databases, reset by null, refused with 400 naming the field and nothing changed.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class PolicyFieldsTest {
    static final String API = "https://api.example.test";
    static final String EVERY_FIELD = """
        "access_ttl": 300, "refresh_ttl": 86400, "resources": ["https://api.example.test"],
        "expires_at": "2031-01-31T17:00:00Z", "owner": "Ada Lovelace <ada@example.test>",
        "description": "nightly report agent", "token_quota": {"per_hour": 10, "per_day": 100, "enforce": false}""";

    @Parameter
    Backend backend;
    TestServer server;
    Agents agents;

    void start(String... flags) {
        server = TestServer.startOn(backend, flags);
        agents = new Agents(server);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void every_field_is_stored_and_returned_as_given_and_null_means_the_server_default() {
        start("--resource", API);
        JsonNode made = agents.created("policy-all", EVERY_FIELD);
        JsonNode given = Agents.object(EVERY_FIELD);
        given.fieldNames().forEachRemaining(f -> assertEquals(given.get(f), made.get(f), f));
        assertEquals(made, agents.user("policy-all"), "read back from the database as created");

        JsonNode plain = agents.created("policy-none", "");
        for (String field : List.of("access_ttl", "refresh_ttl", "resources", "expires_at", "owner", "description",
                "token_quota", "last_used_at"))
            assertTrue(plain.get(field).isNull(), field + " is null until set: " + plain);

        Http.Response patched = agents.patch("policy-all", "\"access_ttl\": null, \"owner\": \"Grace\", \"token_quota\": null");
        assertEquals(200, patched.status(), patched.body());
        JsonNode u = patched.json();
        assertTrue(u.get("access_ttl").isNull(), "null resets to the server default");
        assertTrue(u.get("token_quota").isNull());
        assertEquals("Grace", u.get("owner").asText());
        assertEquals(86400, u.get("refresh_ttl").asLong(), "absent fields stay");
        assertEquals("2031-01-31T17:00:00Z", u.get("expires_at").asText());
        assertEquals(u, agents.user("policy-all"));
    }

    @Test
    void an_invalid_value_is_a_400_naming_its_field_and_changes_nothing() {
        start("--resource", API, "--max-access-ttl", "30m");
        agents.created("strict", EVERY_FIELD);
        JsonNode before = agents.user("strict");
        String[][] cases = {
            {"access_ttl", "\"access_ttl\": 59"},
            {"access_ttl", "\"access_ttl\": 1801"},
            {"access_ttl", "\"access_ttl\": \"15m\""},
            {"refresh_ttl", "\"refresh_ttl\": 7776001"},
            {"refresh_ttl", "\"refresh_ttl\": 1.5"},
            {"resources", "\"resources\": [\"https://elsewhere.example.test\"]"},
            {"resources", "\"resources\": \"https://api.example.test\""},
            {"expires_at", "\"expires_at\": \"next tuesday\""},
            {"expires_at", "\"expires_at\": 1893456000"},
            {"owner", "\"owner\": \"" + "o".repeat(257) + "\""},
            {"owner", "\"owner\": \"line\\nbreak\""},
            {"description", "\"description\": \"" + "d".repeat(1025) + "\""},
            {"token_quota", "\"token_quota\": {\"enforce\": true}"},
            {"token_quota", "\"token_quota\": {\"per_hour\": 0}"},
            {"token_quota", "\"token_quota\": {\"per_day\": \"many\"}"},
            {"token_quota", "\"token_quota\": {\"per_hour\": 5, \"enforce\": \"no\"}"},
            {"token_quota", "\"token_quota\": 5"},
        };
        for (String[] c : cases) {
            for (Http.Response r : List.of(agents.patch("strict", c[1] + ", \"scopes\": [\"changed\"]"),
                    agents.create("never-made", c[1]))) {
                assertEquals(400, r.status(), c[1] + ": " + r.body());
                assertEquals("invalid_request", r.error(), c[1]);
                assertTrue(r.text("error_description").contains(c[0]), c[1] + " names " + c[0] + ": " + r.body());
            }
        }
        assertEquals(before, agents.user("strict"), "nothing changed");
        assertEquals(404, agents.http.get("/admin/api/users/never-made", "Authorization",
            Http.bearer(agents.http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token"))).status());
    }

    @Test
    void the_issuer_and_configured_resources_may_be_listed_and_ttls_reach_the_maximum() {
        start("--resource", API, "--max-access-ttl", "30m", "--max-refresh-ttl", "7d");
        JsonNode u = agents.created("edges", "\"access_ttl\": 1800, \"refresh_ttl\": 604800, \"resources\": [\""
            + server.url() + "\", \"" + API + "\"]");
        assertEquals(List.of(server.url(), API), Agents.texts(u.get("resources")));
        assertEquals(1800, u.get("access_ttl").asLong());
        assertEquals(200, agents.patch("edges", "\"access_ttl\": 60, \"refresh_ttl\": 60").status());
    }

    @Test
    void a_lowered_maximum_caps_a_stored_ttl_at_issuance_and_never_blocks_another_change() {
        start("--max-access-ttl", "1h");
        agents.created("long-ttl", "\"access_ttl\": 3000");
        server.restartWith("--max-access-ttl", "30m");
        agents = new Agents(server);
        Http.Response login = agents.login("long-ttl");
        assertEquals(1800, Agents.lifetime(login), "capped at the maximum in force");
        assertEquals("1800", login.text("expires_in"));
        Http.Response disabled = agents.patch("long-ttl", "\"enabled\": false, \"owner\": \"ops\"");
        assertEquals(200, disabled.status(), "the stored 3000 s is not checked again: " + disabled.body());
        assertEquals(3000, disabled.json().get("access_ttl").asLong());
    }

    @Test
    void under_require_owner_an_agent_needs_an_owner_and_keeps_one() {
        start("--require-owner");
        for (String fields : new String[] {"", "\"owner\": null", "\"owner\": \"   \""}) {
            Http.Response r = agents.create("ownerless", fields);
            assertEquals(400, r.status(), fields + ": " + r.body());
            assertTrue(r.text("error_description").contains("owner"), r.body());
        }
        agents.created("owned", "\"owner\": \"ops team\"");
        Http.Response cleared = agents.patch("owned", "\"owner\": null");
        assertEquals(400, cleared.status(), cleared.body());
        assertEquals("ops team", agents.user("owned").get("owner").asText());
        assertEquals(200, agents.patch("admin", "\"description\": \"the first admin, made by the server\"").status(),
            "a user made before the flag can still be changed without naming an owner");
    }

    @Test
    void last_used_at_is_read_only_and_set_by_the_first_token() {
        start();
        agents.created("user-of-tokens", "\"last_used_at\": \"2020-01-01T00:00:00Z\"");
        assertTrue(agents.user("user-of-tokens").get("last_used_at").isNull(), "not settable");
        assertEquals(200, agents.login("user-of-tokens").status());
        assertTrue(agents.user("user-of-tokens").get("last_used_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
    }
}
