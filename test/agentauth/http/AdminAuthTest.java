package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may call the admin API: a live admin token for this server, checked on every request. */
class AdminAuthTest {
    static final MutableClock clock = new MutableClock();
    @AutoClose
    static final TestServer server = TestServer.startWith(clock, "--admin-session-ttl", "10m", "--refresh-ttl", "1h",
        "--resource", "https://api.example.test");
    static final Http http = new Http(server.url());
    static AdminApi admin;

    /** Every admin route, as method and path. */
    static final List<String[]> ROUTES = List.of(
        new String[] {"GET", "/admin/api/users"},
        new String[] {"POST", "/admin/api/users"},
        new String[] {"GET", "/admin/api/users/admin"},
        new String[] {"PATCH", "/admin/api/users/admin"},
        new String[] {"DELETE", "/admin/api/users/admin"},
        new String[] {"POST", "/admin/api/users/admin/revoke"},
        new String[] {"POST", "/admin/api/users/admin/unthrottle"},
        new String[] {"GET", "/admin/api/audit"},
        new String[] {"GET", "/admin/api/keys"},
        new String[] {"POST", "/admin/api/keys/rotate"},
        new String[] {"POST", "/admin/api/keys/some-kid/revoke"});

    @BeforeAll
    static void signInAsAdmin() {
        admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
    }

    static Http.Response call(String method, String path, String... headers) {
        byte[] body = "{\"username\":\"x\",\"enabled\":false}".getBytes(StandardCharsets.UTF_8);
        boolean hasBody = method.equals("PATCH") || (method.equals("POST") && path.equals("/admin/api/users"));
        return http.send(method, path, hasBody ? "application/json" : null, hasBody ? body : null, headers);
    }

    static void assertUnauthorized(Http.Response r) {
        assertUnauthorized(r, "Bearer error=\"invalid_token\"");
    }

    /** RFC 6750 §3.1: without any bearer credentials, the challenge carries no error code. */
    static void assertUnauthorized(Http.Response r, String challenge) {
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_token", r.error());
        assertEquals(challenge, r.header("WWW-Authenticate"));
        assertEquals("no-store", r.header("Cache-Control"));
    }

    /** Nothing the refused calls could have done happened: the admin and its one key are as before. */
    static void assertNothingChanged(int keysBefore) {
        assertEquals(200, admin.get("/admin/api/users/admin").status());
        assertTrue(admin.get("/admin/api/users/admin").json().get("enabled").asBoolean());
        assertEquals(keysBefore, admin.get("/admin/api/keys").json().get("keys").size());
    }

    @Test
    void every_route_answers_401_without_a_token_or_with_a_bad_one() {
        int keys = admin.get("/admin/api/keys").json().get("keys").size();
        for (String[] route : ROUTES) {
            assertUnauthorized(call(route[0], route[1]), "Bearer");
            assertUnauthorized(call(route[0], route[1], "Authorization", "Basic YWRtaW46eA=="), "Bearer");
            assertUnauthorized(call(route[0], route[1], "Authorization", "Bearer not-a-jwt"));
        }
        assertNothingChanged(keys);
    }

    @Test
    void every_route_answers_403_to_a_valid_token_without_the_admin_scope() {
        server.createUser("plain-agent", "plain-agent-secret", "read");
        String token = http.login("plain-agent", "plain-agent-secret").text("access_token");
        int keys = admin.get("/admin/api/keys").json().get("keys").size();
        for (String[] route : ROUTES) {
            Http.Response r = call(route[0], route[1], "Authorization", Http.bearer(token));
            assertEquals(403, r.status(), route[0] + " " + route[1] + ": " + r.body());
            assertEquals("insufficient_scope", r.error());
            assertEquals("no-store", r.header("Cache-Control"));
        }
        assertNothingChanged(keys);
    }

    @Test
    void an_admin_who_logged_in_without_asking_for_the_admin_scope_gets_403() {
        server.createUser("narrow-admin", "narrow-admin-secret", "admin", "read");
        String token = http.postJson("/login", Http.json("username", "narrow-admin", "password", "narrow-admin-secret",
            "scope", "read")).text("access_token");
        assertEquals(403, http.get("/admin/api/users", "Authorization", Http.bearer(token)).status());
    }

    @Test
    void a_token_for_another_resource_is_refused() {
        server.createUser("resource-admin", "resource-admin-secret", "admin", "read");
        String token = http.postJson("/login", Http.json("username", "resource-admin", "password",
            "resource-admin-secret", "resource", "https://api.example.test")).text("access_token");
        assertUnauthorized(http.get("/admin/api/users", "Authorization", Http.bearer(token)));
    }

    @Test
    void an_expired_admin_token_is_refused() {
        AdminApi late = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
        assertEquals(200, late.get("/admin/api/users").status());
        clock.advance(Duration.ofMinutes(15));
        try {
            assertUnauthorized(late.get("/admin/api/users"));
        } finally {
            clock.advance(Duration.ofMinutes(-15));
        }
    }

    @Test
    void a_disabled_admins_token_stops_working_at_once() {
        server.createUser("ops-disabled", "ops-disabled-secret", "admin");
        AdminApi ops = AdminApi.login(http, "ops-disabled", "ops-disabled-secret");
        assertEquals(200, ops.get("/admin/api/users").status());
        assertEquals(200, admin.patch("/admin/api/users/ops-disabled", "{\"enabled\":false}").status());
        assertUnauthorized(ops.get("/admin/api/users"));
    }

    @Test
    void a_demoted_admins_token_stops_working_at_once() {
        server.createUser("ops-demoted", "ops-demoted-secret", "admin", "read");
        AdminApi ops = AdminApi.login(http, "ops-demoted", "ops-demoted-secret");
        assertEquals(200, ops.get("/admin/api/users").status());
        assertEquals(200, admin.patch("/admin/api/users/ops-demoted", "{\"scopes\":[\"read\"]}").status());
        assertUnauthorized(ops.get("/admin/api/users"));
        assertUnauthorized(ops.post("/admin/api/keys/rotate"));
    }

    @Test
    void a_deleted_admins_token_stops_working_at_once() {
        server.createUser("ops-deleted", "ops-deleted-secret", "admin");
        AdminApi ops = AdminApi.login(http, "ops-deleted", "ops-deleted-secret");
        assertEquals(204, admin.delete("/admin/api/users/ops-deleted").status());
        assertUnauthorized(ops.get("/admin/api/users"));
    }

    @Test
    void every_admin_answer_says_no_store() {
        List<Http.Response> answers = List.of(
            admin.get("/admin/api/users"),
            admin.post("/admin/api/users", Http.json("username", "cache-user", "password", "cache-user-secret")),
            admin.get("/admin/api/users/cache-user"),
            admin.patch("/admin/api/users/cache-user", "{\"scopes\":[\"read\"]}"),
            admin.post("/admin/api/users/cache-user/revoke"),
            admin.post("/admin/api/users/cache-user/unthrottle"),
            admin.delete("/admin/api/users/cache-user"),
            admin.get("/admin/api/users/cache-user"),
            admin.get("/admin/api/audit"),
            admin.get("/admin/api/keys"),
            admin.post("/admin/api/keys/unknown-kid/revoke"),
            admin.get("/admin/api/no-such-thing"),
            http.send("PUT", "/admin/api/users", null, null, "Authorization", Http.bearer(admin.token)));
        List<Integer> expected = List.of(200, 201, 200, 200, 200, 204, 204, 404, 200, 200, 404, 404, 405);
        for (int i = 0; i < answers.size(); i++) {
            assertEquals(expected.get(i), answers.get(i).status(), "answer " + i + ": " + answers.get(i).body());
            assertEquals("no-store", answers.get(i).header("Cache-Control"), "answer " + i);
        }
    }

    @Test
    void bodies_must_be_json() {
        Http.Response form = http.postForm("/admin/api/users", Http.form("username", "form-user", "password",
            "form-user-secret"), "Authorization", Http.bearer(admin.token));
        assertEquals(415, form.status());
        assertEquals("unsupported_media_type", form.error());
        Http.Response patch = http.send("PATCH", "/admin/api/users/admin", "text/plain",
            "enabled=false".getBytes(StandardCharsets.UTF_8), "Authorization", Http.bearer(admin.token));
        assertEquals(415, patch.status());
        assertEquals(404, admin.get("/admin/api/users/form-user").status());
    }

    @Test
    void an_admin_session_ends_at_the_admin_session_ttl_while_an_agents_lasts_the_refresh_ttl() {
        server.createUser("capped-admin", "capped-admin-secret", "admin");
        server.createUser("long-agent", "long-agent-secret", "read");
        Http.Response adminLogin = http.login("capped-admin", "capped-admin-secret");
        Http.Response agentLogin = http.login("long-agent", "long-agent-secret");
        assertEquals(600, adminLogin.json().get("refresh_expires_in").asLong());
        assertEquals(3600, agentLogin.json().get("refresh_expires_in").asLong());
        clock.advance(Duration.ofMinutes(10));
        try {
            Http.Response adminRefresh = http.postJson("/refresh", Http.json("refresh_token", adminLogin.text("refresh_token")));
            assertEquals(401, adminRefresh.status());
            assertEquals("invalid_grant", adminRefresh.error());
            assertEquals(200, http.postJson("/refresh", Http.json("refresh_token", agentLogin.text("refresh_token"))).status());
        } finally {
            clock.advance(Duration.ofMinutes(-10)); // the shared admin token stays young for the other tests
        }
    }
}
