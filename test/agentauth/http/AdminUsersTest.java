package agentauth.http;

import static agentauth.support.TestServer.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.AuditLog;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /admin/api/users: every route, its validation, and what a change does to the user's sessions. */
class AdminUsersTest {
    static final MutableClock clock = new MutableClock();
    /** The contract's user, then the per-agent policy (Round 2 C). */
    static final List<String> USER_FIELDS = List.of("username", "scopes", "enabled", "created_at", "updated_at", "last_login_at",
        "access_ttl", "refresh_ttl", "resources", "expires_at", "owner", "description", "token_quota", "last_used_at", "dpop_required");
    static final String ISO_SECONDS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";
    @AutoClose
    static final TestServer server = TestServer.startWith(clock);
    static final Http http = new Http(server.url());
    static AdminApi admin;

    @BeforeAll
    static void signInAsAdmin() {
        admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
    }

    static Http.Response create(String name, String... scopes) {
        return admin.post("/admin/api/users", Http.json("username", name, "password", secret(name),
            "scopes", List.of(scopes)));
    }

    /** Creates {@code name} and returns the refresh token of a fresh login. */
    static String loggedIn(String name, String... scopes) {
        assertEquals(201, create(name, scopes).status());
        return http.login(name, secret(name)).text("refresh_token");
    }

    static Http.Response refresh(String token) {
        return http.postJson("/refresh", Http.json("refresh_token", token));
    }

    static void assertError(int status, String code, Http.Response r) {
        assertEquals(status, r.status(), r.body());
        assertEquals(code, r.error(), r.body());
        assertTrue(r.text("error_description").length() > 0);
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }

    static AuditLog.Event lastEvent(String user) {
        return server.app().audit().list(1, null, user, null).events().get(0);
    }

    @Test
    void create_answers_201_with_the_user_and_never_a_secret() {
        Http.Response r = admin.post("/admin/api/users", Http.json("username", "Created.Agent", "password",
            "created-agent-secret", "scopes", List.of("read", "write"), "enabled", true, "color", "ignored"));
        assertEquals(201, r.status(), r.body());
        JsonNode u = r.json();
        assertEquals(USER_FIELDS, fieldNames(u));
        assertEquals("Created.Agent", u.get("username").asText());
        assertEquals("[\"read\",\"write\"]", u.get("scopes").toString());
        assertTrue(u.get("enabled").asBoolean());
        assertTrue(u.get("created_at").asText().matches(ISO_SECONDS), u.toString());
        assertTrue(u.get("last_login_at").isNull());
        assertFalse(r.body().contains("argon2"), "no hash in the answer");
        assertEquals(200, http.login("created.agent", "created-agent-secret").status(), "the user can log in");
        JsonNode again = admin.get("/admin/api/users/Created.Agent").json();
        assertTrue(again.get("last_login_at").asText().matches(ISO_SECONDS), again.toString());
    }

    @Test
    void create_defaults_to_no_scopes_and_enabled() {
        JsonNode u = admin.post("/admin/api/users", Http.json("username", "defaults", "password", "defaults-secret-1"))
            .json();
        assertEquals(0, u.get("scopes").size());
        assertTrue(u.get("enabled").asBoolean());
        JsonNode disabled = admin.post("/admin/api/users", Http.json("username", "born-disabled", "password",
            "born-disabled-secret", "enabled", false)).json();
        assertFalse(disabled.get("enabled").asBoolean());
        assertEquals(401, http.login("born-disabled", "born-disabled-secret").status());
    }

    @Test
    void create_answers_409_when_the_name_is_taken_ignoring_case() {
        assertEquals(201, create("Taken-Name").status());
        assertError(409, "conflict", create("taken-name"));
        assertError(409, "conflict", create("TAKEN-NAME"));
        assertEquals("Taken-Name", admin.get("/admin/api/users/taken-name").text("username"));
    }

    @Test
    void create_rejects_invalid_input_with_400_and_creates_nothing() {
        String ok = "valid-secret-123";
        List<String> bodies = List.of(
            "{\"password\":\"" + ok + "\"}",
            "{\"username\":\"bad-missing-password\"}",
            "{\"username\":\"bad-short\",\"password\":\"short\"}",
            "{\"username\":\"bad-long-pw\",\"password\":\"" + "x".repeat(1025) + "\"}",
            "{\"username\":\"bad name\",\"password\":\"" + ok + "\"}",
            "{\"username\":\".bad-start\",\"password\":\"" + ok + "\"}",
            "{\"username\":\"" + "b".repeat(65) + "\",\"password\":\"" + ok + "\"}",
            "{\"username\":42,\"password\":\"" + ok + "\"}",
            "{\"username\":\"bad-scopes\",\"password\":\"" + ok + "\",\"scopes\":\"read\"}",
            "{\"username\":\"bad-scope\",\"password\":\"" + ok + "\",\"scopes\":[\"a b\"]}",
            "{\"username\":\"bad-scope-type\",\"password\":\"" + ok + "\",\"scopes\":[1]}",
            "{\"username\":\"bad-enabled\",\"password\":\"" + ok + "\",\"enabled\":\"yes\"}",
            "{\"username\":\"bad-dup\",\"username\":\"bad-dup2\",\"password\":\"" + ok + "\"}",
            "{\"username\":\"bad-json\"",
            "[]");
        for (String body : bodies) assertError(400, "invalid_request", admin.post("/admin/api/users", body));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) many.add("s" + i);
        assertError(400, "invalid_request", admin.post("/admin/api/users",
            Http.json("username", "bad-many", "password", ok, "scopes", many)));
        for (JsonNode u : admin.get("/admin/api/users").json().get("users"))
            assertFalse(u.get("username").asText().startsWith("bad"), u.toString());
    }

    @Test
    void list_holds_every_user_in_the_contract_shape() {
        assertEquals(201, create("listed-one", "read").status());
        JsonNode users = admin.get("/admin/api/users").json().get("users");
        List<String> names = new ArrayList<>();
        for (JsonNode u : users) {
            names.add(u.get("username").asText());
            assertEquals(USER_FIELDS, fieldNames(u));
        }
        assertTrue(names.contains("admin") && names.contains("listed-one"), names.toString());
        assertFalse(admin.get("/admin/api/users").body().contains("argon2"));
    }

    @Test
    void read_finds_a_user_ignoring_case_and_answers_404_otherwise() {
        assertEquals(201, create("Read-Me", "read").status());
        Http.Response r = admin.get("/admin/api/users/READ-ME");
        assertEquals(200, r.status());
        assertEquals("Read-Me", r.text("username"));
        assertError(404, "not_found", admin.get("/admin/api/users/nobody-here"));
        assertError(404, "not_found", admin.get("/admin/api/users/not%20a%20name"));
        assertError(404, "not_found", admin.get("/admin/api/users/" + "n".repeat(65)));
    }

    @Test
    void patch_changes_scopes_and_enabled_and_answers_the_user() {
        assertEquals(201, create("patched", "read").status());
        String created = admin.get("/admin/api/users/patched").text("updated_at");
        clock.advance(Duration.ofSeconds(2));
        Http.Response r = admin.patch("/admin/api/users/patched", "{\"scopes\":[\"read\",\"write\"],\"enabled\":false}");
        assertEquals(200, r.status(), r.body());
        assertEquals("[\"read\",\"write\"]", r.json().get("scopes").toString());
        assertFalse(r.json().get("enabled").asBoolean());
        assertNotEquals(created, r.text("updated_at"));
        assertEquals(r.body(), admin.get("/admin/api/users/patched").body(), "the change was stored");
        assertTrue(admin.patch("/admin/api/users/patched", "{\"enabled\":true}").json().get("enabled").asBoolean());
        assertEquals(200, http.login("patched", secret("patched")).status());
    }

    @Test
    void an_empty_patch_is_a_no_op_that_answers_the_user_unchanged() {
        assertEquals(201, create("unpatched", "read").status());
        String before = admin.get("/admin/api/users/unpatched").body();
        long eventsBefore = lastEvent("unpatched").id();
        clock.advance(Duration.ofSeconds(2));
        for (String body : List.of("{}", "{\"color\":\"blue\"}", "{\"scopes\":null}")) {
            Http.Response r = admin.patch("/admin/api/users/unpatched", body);
            assertEquals(200, r.status(), r.body());
            assertEquals(before, r.body());
        }
        assertEquals(eventsBefore, lastEvent("unpatched").id(), "nothing was audited");
    }

    @Test
    void patch_rejects_invalid_values_and_unknown_users() {
        assertEquals(201, create("patch-checked", "read").status());
        for (String body : List.of("{\"password\":\"short\"}", "{\"password\":\"\"}", "{\"password\":12345678901234}",
            "{\"scopes\":\"read\"}", "{\"scopes\":[\"bad\\\"scope\"]}", "{\"enabled\":1}", "[]"))
            assertError(400, "invalid_request", admin.patch("/admin/api/users/patch-checked", body));
        assertEquals("[\"read\"]", admin.get("/admin/api/users/patch-checked").json().get("scopes").toString());
        assertError(404, "not_found", admin.patch("/admin/api/users/nobody-here", "{\"enabled\":false}"));
    }

    @Test
    void a_new_password_replaces_the_old_and_ends_the_users_sessions() {
        String session = loggedIn("re-secret", "read");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(200, admin.patch("/admin/api/users/re-secret", Http.json("password", "the-new-secret-456")).status());
        assertError(401, "invalid_grant", refresh(session));
        assertEquals(401, http.login("re-secret", secret("re-secret")).status());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, http.login("re-secret", "the-new-secret-456").status());
        AuditLog.Event changed = server.app().audit().list(1, null, "re-secret", "user_updated").events().get(0);
        assertTrue(changed.detail().contains("password changed"), changed.detail());
        assertFalse(changed.detail().contains("the-new-secret"), "the secret is never audited");
    }

    @Test
    void disabling_a_user_ends_its_sessions() {
        String session = loggedIn("to-disable", "read");
        assertEquals(200, admin.patch("/admin/api/users/to-disable", "{\"enabled\":false}").status());
        assertError(401, "invalid_grant", refresh(session));
        assertEquals(401, http.login("to-disable", secret("to-disable")).status());
    }

    @Test
    void delete_answers_204_ends_the_users_sessions_and_the_user_is_gone() {
        String session = loggedIn("to-delete", "read");
        Http.Response r = admin.delete("/admin/api/users/to-delete");
        assertEquals(204, r.status());
        assertEquals("", r.body());
        assertError(401, "invalid_grant", refresh(session));
        assertError(404, "not_found", admin.get("/admin/api/users/to-delete"));
        assertError(404, "not_found", admin.delete("/admin/api/users/to-delete"));
        assertEquals(201, create("to-delete").status(), "the name is free again");
    }

    @Test
    void revoke_ends_every_session_and_counts_them() {
        String first = loggedIn("revoked", "read");
        String second = http.login("revoked", secret("revoked")).text("refresh_token");
        Http.Response r = admin.post("/admin/api/users/revoked/revoke");
        assertEquals(200, r.status());
        assertEquals("{\"revoked\":2}", r.body());
        assertError(401, "invalid_grant", refresh(first));
        assertError(401, "invalid_grant", refresh(second));
        assertEquals("{\"revoked\":0}", admin.post("/admin/api/users/revoked/revoke").body());
        assertEquals(200, http.login("revoked", secret("revoked")).status(), "the user itself stays");
        assertError(404, "not_found", admin.post("/admin/api/users/nobody-here/revoke"));
    }

    @Test
    void unthrottle_answers_204_for_any_valid_name_and_audits_it() {
        assertEquals(201, create("Throttled-One").status());
        assertEquals(204, admin.post("/admin/api/users/throttled-one/unthrottle").status());
        AuditLog.Event e = lastEvent("Throttled-One");
        assertEquals("user_updated", e.type());
        assertEquals("throttle cleared", e.detail());
        assertEquals("admin", e.actor());
        assertEquals(204, admin.post("/admin/api/users/never-existed/unthrottle").status(), "no user enumeration");
        assertEquals("throttle cleared", lastEvent("never-existed").detail());
        assertError(400, "invalid_request", admin.post("/admin/api/users/not%20valid/unthrottle"));
    }

    @Test
    void every_change_is_audited_with_the_acting_admin_and_address() {
        assertEquals(201, create("ops-actor", "admin").status());
        AdminApi ops = AdminApi.login(http, "ops-actor", secret("ops-actor"));
        assertEquals(201, ops.post("/admin/api/users", Http.json("username", "acted-on", "password", "acted-on-secret")).status());
        assertEquals("user_created", lastEvent("acted-on").type());
        assertEquals(200, ops.patch("/admin/api/users/acted-on", "{\"scopes\":[\"read\"]}").status());
        assertEquals("user_updated", lastEvent("acted-on").type());
        assertEquals(200, ops.post("/admin/api/users/acted-on/revoke").status());
        assertEquals("revoke", lastEvent("acted-on").type());
        assertEquals(204, ops.delete("/admin/api/users/acted-on").status());
        assertEquals("user_deleted", lastEvent("acted-on").type());
        List<AuditLog.Event> events = server.app().audit().list(10, null, "acted-on", null).events();
        assertEquals(4, events.size());
        for (AuditLog.Event e : events) {
            assertEquals("ops-actor", e.actor(), e.toString());
            assertEquals("127.0.0.1", e.address(), e.toString());
        }
    }
}
