package agentauth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET /revocations as a verifier sees it (CONTRACT Round 2 B): conditional requests, caching
 * headers, only random uids, and entries that go once no token they could kill is alive. The
 * server reads time from a clock the test moves, so expiry is tested at its boundary.
 */
class RevocationsDocumentTest {
    private final MutableClock clock = new MutableClock();
    @AutoClose
    private final TestServer server = TestServer.startWith(clock);
    private Admin admin;

    @BeforeEach
    void signInAsAdmin() {
        admin = new Admin(new Http(server.url()));
    }

    /** The list after a change: the server reads it from the database at most once a second by its clock. */
    private Http.Response listAfterChange(String... headers) {
        clock.advance(Duration.ofSeconds(1));
        return admin.http.get("/revocations", headers);
    }

    @Test
    void an_unchanged_list_answers_304_to_its_etag_and_a_change_answers_200_with_a_new_one() {
        assertEquals(server.url() + "/revocations",
            admin.http.get("/.well-known/oauth-authorization-server").text("agent_auth_revocations_uri"));
        Http.Response first = admin.http.get("/revocations");
        assertEquals(200, first.status());
        assertEquals("max-age=5", first.header("Cache-Control"));
        assertEquals(5, first.json().get("max_age").asInt());
        long version = first.json().get("version").asLong();
        String etag = first.header("ETag");
        assertTrue(etag.contains(String.valueOf(version)), "the ETag comes from the version: " + etag);

        Http.Response same = listAfterChange("If-None-Match", etag);
        assertEquals(304, same.status());
        assertEquals("", same.body());
        assertEquals(etag, same.header("ETag"));
        assertEquals("max-age=5", same.header("Cache-Control"));

        admin.createAgent("agent-304", "read");
        String token = admin.accessToken("agent-304");
        admin.kill("agent-304");
        Http.Response changed = listAfterChange("If-None-Match", etag);
        assertEquals(200, changed.status(), "a kill makes a new version");
        assertTrue(changed.json().get("version").asLong() > version);
        assertNotEquals(etag, changed.header("ETag"));
        JsonNode uid = Admin.jwt(token, 1).get("uid");
        assertTrue(changed.json().get("subjects").get(uid.asText()).asLong() > Admin.jwt(token, 1).get("gen").asLong(),
            "the agent's tokens are below its listed generation");
        assertEquals(304, admin.http.get("/revocations", "If-None-Match", changed.header("ETag")).status());
    }

    @Test
    void agents_appear_only_under_their_random_uid_never_by_name() {
        List<String> names = List.of("Killed-Agent-Alpha", "disabled-agent-bravo", "reused-agent-charlie");
        List<String> uids = new ArrayList<>();
        for (String name : names) {
            admin.createAgent(name, "read");
            uids.add(Admin.jwt(admin.accessToken(name), 1).get("uid").asText());
        }
        admin.kill(names.get(0));
        admin.patch(names.get(1), Http.json("enabled", false));
        Http.Response session = admin.login(names.get(2), Admin.SECRET);
        Admin.ok(admin.refresh(session.text("refresh_token")));
        assertEquals("invalid_grant", admin.refresh(session.text("refresh_token")).error(), "reuse");

        Http.Response list = listAfterChange();
        String everything = (list.body() + list.raw().headers().map()).toLowerCase(Locale.ROOT);
        for (String name : names) assertFalse(everything.contains(name.toLowerCase(Locale.ROOT)), name + " in " + everything);
        assertEquals(new TreeSet<>(uids.subList(0, 2)), keys(list.json().get("subjects")));
        assertEquals(Admin.jwt(session.text("access_token"), 1).get("sid").asText(), list.json().get("families").get(0).asText());

        // random, not derived from the name (a dictionary would reverse that): the same name again is another uid
        assertEquals(204, admin.http.send("DELETE", "/admin/api/users/" + names.get(0), null, null,
            "Authorization", Http.bearer(adminToken())).status());
        admin.createAgent(names.get(0), "read");
        assertNotEquals(uids.get(0), Admin.jwt(admin.accessToken(names.get(0)), 1).get("uid").asText());
    }

    private String adminToken() {
        return admin.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
    }

    private static Set<String> keys(JsonNode object) {
        Set<String> keys = new TreeSet<>();
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
