package agentauth.http;

import static agentauth.http.OAuthTokenTest.basic;
import static agentauth.support.TestServer.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.auth0.jwt.JWT;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** POST /oauth/token with grant_type=refresh_token over the native families (RFC 6749 §6). */
class OAuthRefreshGrantTest {
    static final String API = "https://api.example.test";
    @AutoClose
    static final TestServer server = TestServer.start("--resource", API);
    static final Http http = new Http(server.url());

    /** A new agent and the refresh token of its first family, from the native /login. */
    static String loginAs(String name, String... scopes) {
        server.createUser(name, secret(name), scopes);
        return http.login(name, secret(name)).text("refresh_token");
    }

    static Http.Response refreshBasic(String name, String token, String... extra) {
        String[] form = new String[4 + extra.length];
        form[0] = "grant_type";
        form[1] = "refresh_token";
        form[2] = "refresh_token";
        form[3] = token;
        System.arraycopy(extra, 0, form, 4, extra.length);
        return http.postForm("/oauth/token", Http.form(form), "Authorization", basic(name, secret(name)));
    }

    @Test
    void a_native_refresh_token_rotates_at_the_oauth_endpoint_with_basic() {
        String first = loginAs("rotor", "read");
        Http.Response r = refreshBasic("rotor", first);
        assertEquals(200, r.status(), r.body());
        assertNotEquals(first, r.text("refresh_token"));
        assertEquals("read", r.text("scope"));
        assertEquals("no-store", r.header("Cache-Control"));
        // the successor goes on at the native endpoint: one family, two doors
        assertEquals(200, http.postJson("/refresh", Http.json("refresh_token", r.text("refresh_token"))).status());
    }

    @Test
    void client_secret_post_works_for_refresh_too() {
        String first = loginAs("poster", "read");
        Http.Response r = http.postForm("/oauth/token", Http.form("grant_type", "refresh_token", "refresh_token", first,
            "client_id", "poster", "client_secret", secret("poster")));
        assertEquals(200, r.status(), r.body());
    }

    @Test
    void reuse_is_400_invalid_grant_and_ends_the_family() {
        String first = loginAs("twice", "read");
        String second = refreshBasic("twice", first).text("refresh_token");
        Http.Response reuse = refreshBasic("twice", first);
        assertEquals(400, reuse.status(), "RFC 6749 §5.2: invalid_grant is 400 here");
        assertEquals("invalid_grant", reuse.error());
        assertEquals("invalid_grant", refreshBasic("twice", second).error(), "the family ended");
        assertEquals(1, server.app().audit().list(10, null, "twice", "refresh_reuse").events().size());
    }

    @Test
    void another_clients_refresh_token_is_invalid_grant_and_stays_usable_for_its_owner() {
        String owned = loginAs("owner", "read");
        loginAs("thief", "read");
        Http.Response stolen = refreshBasic("thief", owned);
        assertEquals(400, stolen.status());
        assertEquals("invalid_grant", stolen.error());
        assertEquals(200, refreshBasic("owner", owned).status(), "a foreign presentation neither rotates nor ends it");
    }

    @Test
    void an_unknown_refresh_token_is_invalid_grant_and_a_missing_one_invalid_request() {
        loginAs("forgetful", "read");
        assertEquals("invalid_grant", refreshBasic("forgetful", "no-such-token").error());
        Http.Response missing = http.postForm("/oauth/token", Http.form("grant_type", "refresh_token"),
            "Authorization", basic("forgetful", secret("forgetful")));
        assertEquals(400, missing.status());
        assertEquals("invalid_request", missing.error());
    }

    @Test
    void the_client_must_authenticate_to_refresh() {
        String token = loginAs("anonymous", "read");
        Http.Response r = http.postForm("/oauth/token", Http.form("grant_type", "refresh_token", "refresh_token", token));
        assertEquals(401, r.status());
        assertEquals("invalid_client", r.error());
        assertEquals(200, refreshBasic("anonymous", token).status(), "the failed attempt did not use the token");
    }

    @Test
    void scope_narrows_the_access_token_but_not_the_family() {
        String first = loginAs("narrow", "read", "write");
        Http.Response r = refreshBasic("narrow", first, "scope", "read");
        assertEquals(200, r.status(), r.body());
        assertEquals("read", r.text("scope"));
        assertEquals("read", JWT.decode(r.text("access_token")).getClaim("scope").asString());
        assertEquals("read write", refreshBasic("narrow", r.text("refresh_token")).text("scope"));
    }

    @Test
    void a_scope_beyond_the_family_is_invalid_scope_and_leaves_the_token_unused() {
        String first = loginAs("greedy", "read");
        Http.Response r = refreshBasic("greedy", first, "scope", "read admin");
        assertEquals(400, r.status());
        assertEquals("invalid_scope", r.error());
        assertEquals(200, refreshBasic("greedy", first).status());
    }

    @Test
    void resource_must_be_the_familys_audience() {
        server.createUser("aimed", secret("aimed"), "read");
        String token = http.postJson("/login", Http.json("username", "aimed", "password", secret("aimed"), "resource", API))
            .text("refresh_token");
        Http.Response other = refreshBasic("aimed", token, "resource", server.url());
        assertEquals(400, other.status());
        assertEquals("invalid_target", other.error());
        Http.Response unknown = refreshBasic("aimed", token, "resource", "https://elsewhere.test");
        assertEquals("invalid_target", unknown.error());
        Http.Response same = refreshBasic("aimed", token, "resource", API);
        assertEquals(200, same.status(), same.body());
        assertEquals(API, JWT.decode(same.text("access_token")).getAudience().get(0));
    }
}
