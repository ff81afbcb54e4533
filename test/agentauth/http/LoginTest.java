package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoginTest {
    @AutoClose
    static final TestServer server = TestServer.start("--resource", "https://api.example.test");
    static final Http http = new Http(server.url());

    @BeforeAll
    static void createUsers() {
        server.createUser("Agent-One", "agent-one-secret", "read", "write");
        server.createUser("sleeper", "sleeper-secret-1", "read");
        server.app().users().update("sleeper", new agentauth.user.Users.Patch(null, null, false),
            new agentauth.user.Users.Actor("test", null), false);
    }

    @Test
    void json_login_returns_a_token_response_that_is_never_cached() {
        Http.Response r = http.login("Agent-One", "agent-one-secret");
        assertEquals(200, r.status());
        assertEquals("Bearer", r.text("token_type"));
        assertEquals("read write", r.text("scope"));
        assertTrue(r.json().get("expires_in").asLong() > 890);
        assertTrue(r.json().get("refresh_expires_in").asLong() > 29L * 24 * 3600);
        assertTrue(r.text("refresh_token").length() >= 43, "at least 256 bits");
        assertEquals("no-store", r.header("Cache-Control"));
    }

    @Test
    void form_login_works_like_json() {
        Http.Response r = http.postForm("/login", Http.form("username", "Agent-One", "password", "agent-one-secret"));
        assertEquals(200, r.status());
        assertNotNull(r.text("access_token"));
    }

    /** Issue 14 item 4: what curl -d '{...}' sends (its default type is a form). */
    @Test
    void json_sent_as_a_form_is_told_to_send_content_type_json() {
        Http.Response r = http.postForm("/login", Http.json("username", "Agent-One", "password", "agent-one-secret"));
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_request", r.error());
        assertTrue(r.text("error_description").contains("looks like JSON"), r.body());
        assertTrue(r.text("error_description").contains("Content-Type: application/json"), r.body());
        Http.Response oauth = http.postForm("/oauth/token", "{\"grant_type\":\"client_credentials\"}");
        assertEquals("invalid_request", oauth.error());
        assertTrue(oauth.text("error_description").contains("looks like JSON"), oauth.body());
    }

    @Test
    void access_token_has_the_rfc_9068_shape() {
        DecodedJWT jwt = JWT.decode(http.login("agent-one", "agent-one-secret").text("access_token"));
        assertEquals("ES256", jwt.getAlgorithm());
        assertEquals("at+jwt", jwt.getType());
        assertNotNull(jwt.getKeyId());
        assertEquals(server.url(), jwt.getIssuer());
        assertEquals("Agent-One", jwt.getSubject(), "sub carries the stored spelling");
        assertEquals("Agent-One", jwt.getClaim("client_id").asString());
        assertEquals(List.of(server.url()), jwt.getAudience());
        assertEquals("read write", jwt.getClaim("scope").asString());
        assertNotNull(jwt.getId());
        assertNotNull(jwt.getClaim("sid").asString());
        assertEquals(900, jwt.getExpiresAtAsInstant().getEpochSecond() - jwt.getIssuedAtAsInstant().getEpochSecond());
    }

    @Test
    void names_match_ignoring_ascii_case() {
        assertEquals(200, http.login("AGENT-ONE", "agent-one-secret").status());
    }

    @Test
    void unknown_user_wrong_secret_and_disabled_user_get_the_same_answer() {
        Http.Response unknown = http.login("nobody", "agent-one-secret");
        Http.Response wrong = http.login("Agent-One", "not-the-secret!");
        Http.Response disabled = http.login("sleeper", "sleeper-secret-1");
        for (Http.Response r : List.of(unknown, wrong, disabled)) {
            assertEquals(401, r.status());
            assertEquals("invalid_client", r.error());
        }
        assertEquals(unknown.body(), wrong.body());
        assertEquals(wrong.body(), disabled.body());
    }

    @Test
    void a_scope_narrows_the_token() {
        Http.Response r = http.postJson("/login", Http.json("username", "Agent-One", "password", "agent-one-secret", "scope", "read"));
        assertEquals("read", r.text("scope"));
        assertEquals("read", JWT.decode(r.text("access_token")).getClaim("scope").asString());
    }

    @Test
    void a_scope_the_user_lacks_is_invalid_scope_only_after_the_secret_was_checked() {
        Http.Response good = http.postJson("/login", Http.json("username", "Agent-One", "password", "agent-one-secret", "scope", "admin"));
        assertEquals(400, good.status());
        assertEquals("invalid_scope", good.error());
        Http.Response bad = http.postJson("/login", Http.json("username", "Agent-One", "password", "wrong-secret-x", "scope", "admin"));
        assertEquals(401, bad.status());
        assertEquals("invalid_client", bad.error());
    }

    @Test
    void a_resource_becomes_the_audience_and_an_unknown_one_is_invalid_target() {
        Http.Response r = http.postJson("/login", Http.json("username", "Agent-One", "password", "agent-one-secret",
            "resource", "https://api.example.test"));
        assertEquals(200, r.status());
        assertEquals(List.of("https://api.example.test"), JWT.decode(r.text("access_token")).getAudience());
        Http.Response unknown = http.postJson("/login", Http.json("username", "Agent-One", "password", "agent-one-secret",
            "resource", "https://elsewhere.test"));
        assertEquals(400, unknown.status());
        assertEquals("invalid_target", unknown.error());
    }

    @Test
    void a_token_for_another_resource_never_carries_admin() {
        Http.Response r = http.postJson("/login", Http.json("username", "admin", "password", TestServer.ADMIN_PASSWORD,
            "resource", "https://api.example.test"));
        assertEquals(200, r.status());
        assertEquals("", r.text("scope"));
        assertEquals("", JWT.decode(r.text("access_token")).getClaim("scope").asString());
    }

    @Test
    void missing_fields_and_wrong_types_are_invalid_request() {
        assertEquals("invalid_request", http.postJson("/login", Http.json("username", "Agent-One")).error());
        assertEquals("invalid_request", http.postJson("/login", "{\"username\": 5, \"password\": \"agent-one-secret\"}").error());
        assertEquals("invalid_request", http.postJson("/login", "[]").error());
        assertEquals("invalid_request", http.postForm("/login", "username=a&username=b&password=agent-one-secret").error());
    }

    @Test
    void a_successful_login_records_last_login_and_an_audit_event() {
        http.login("Agent-One", "agent-one-secret");
        assertNotNull(server.app().users().get("agent-one").lastLoginAt());
        assertTrue(server.app().audit().list(50, null, "Agent-One", "login").events().size() > 0);
    }
}
