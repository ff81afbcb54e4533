package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Contract B: access tokens name their user by a random, permanent uid and carry its credential
 * generation; the live checks compare both, with no clock. So a token minted before a change
 * always dies, one minted after it always lives (even within the same second), and a new user
 * of a deleted user's name never inherits a token.
 */
class CredentialGenerationTest {
    // one instant for all: same-second changes are the hard case
    @AutoClose
    static final TestServer server = TestServer.startWith(new MutableClock());
    static final Http http = new Http(server.url());
    static String admin;

    @BeforeAll
    static void signInAsAdmin() {
        admin = Http.bearer(http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token"));
    }

    static Http.Response patch(String name, String json) {
        return http.send("PATCH", "/admin/api/users/" + name, "application/json", json.getBytes(), "Authorization", admin);
    }

    static int me(String token) {
        return http.get("/me", "Authorization", Http.bearer(token)).status();
    }

    @Test
    void fifty_change_then_login_rounds_every_new_token_lives_and_every_older_one_dies() {
        String secret = "gen-agent-secret-0";
        server.createUser("gen-agent", secret, "read");
        for (int round = 0; round < 50; round++) {
            String before = http.login("gen-agent", secret).text("access_token");
            switch (round % 3) {
                case 0 -> {
                    assertEquals(200, patch("gen-agent", "{\"enabled\":false}").status());
                    assertEquals(200, patch("gen-agent", "{\"enabled\":true}").status());
                }
                case 1 -> {
                    secret = "gen-agent-secret-" + (round + 1);
                    assertEquals(200, patch("gen-agent", "{\"password\":\"" + secret + "\"}").status());
                }
                default -> assertEquals(200, http.send("POST", "/admin/api/users/gen-agent/revoke", null, null,
                    "Authorization", admin).status());
            }
            String after = http.login("gen-agent", secret).text("access_token");
            assertEquals(200, me(after), "round " + round + ": a token minted after the change lives");
            assertEquals(401, me(before), "round " + round + ": a token minted before the change dies");
        }
    }

    @Test
    void an_admin_re_enabled_by_another_admin_can_use_the_admin_api_at_once() {
        server.createUser("second-admin", "second-admin-secret", "admin");
        patch("second-admin", "{\"enabled\":false}");
        patch("second-admin", "{\"enabled\":true}");
        String token = http.login("second-admin", "second-admin-secret").text("access_token");
        assertEquals(200, http.get("/admin/api/users", "Authorization", Http.bearer(token)).status());
    }

    @Test
    void a_user_created_again_under_a_deleted_users_name_never_inherits_its_token() {
        server.createUser("replaced-admin", "replaced-admin-secret", "admin");
        // client_credentials: no session whose end would give the token away
        String old = http.postForm("/oauth/token", Http.form("grant_type", "client_credentials", "client_id", "replaced-admin",
            "client_secret", "replaced-admin-secret")).text("access_token");
        assertEquals(204, http.send("DELETE", "/admin/api/users/replaced-admin", null, null, "Authorization", admin).status());
        server.createUser("Replaced-Admin", "new-owner-secret-12", "admin");
        assertEquals(401, http.get("/admin/api/users", "Authorization", Http.bearer(old)).status());
        assertEquals(401, me(old));
    }

    @Test
    void narrowing_a_users_scopes_kills_its_tokens_and_its_session_refreshes_into_the_narrowed_scope() {
        server.createUser("narrowed", "narrowed-secret-1", "read", "write");
        var login = http.login("narrowed", "narrowed-secret-1");
        assertEquals(200, patch("narrowed", "{\"scopes\":[\"read\"]}").status());
        assertEquals(401, me(login.text("access_token")));
        var refreshed = http.postJson("/refresh", Http.json("refresh_token", login.text("refresh_token")));
        assertEquals(200, refreshed.status(), refreshed.body());
        assertEquals("read", refreshed.text("scope"));
        assertEquals(200, me(refreshed.text("access_token")));
    }
}
