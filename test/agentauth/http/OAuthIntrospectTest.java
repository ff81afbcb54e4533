package agentauth.http;

import static agentauth.http.OAuthTokenTest.basic;
import static agentauth.support.TestServer.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import agentauth.user.Users;
import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /oauth/introspect (RFC 7662): active only while the token and its user are in good standing. */
class OAuthIntrospectTest {
    static final String API = "https://api.example.test";
    static final String RS_SECRET = "resource-server-1";
    static final Users.Actor ACTOR = new Users.Actor("test", null);
    static final MutableClock clock = new MutableClock();
    @AutoClose
    static final TestServer server = TestServer.startWith(clock, "--resource", API);
    static final Http http = new Http(server.url());

    @BeforeAll
    static void createUsers() {
        server.createUser("rs", RS_SECRET, "introspect");
        server.createUser("nosy", secret("nosy"), "read");
    }

    static Http.Response login(String name, String... scopes) {
        server.createUser(name, secret(name), scopes);
        return http.login(name, secret(name));
    }

    static Http.Response introspect(String token) {
        return http.postForm("/oauth/introspect", Http.form("token", token), "Authorization", basic("rs", RS_SECRET));
    }

    static boolean active(String token) {
        Http.Response r = introspect(token);
        assertEquals(200, r.status(), r.body());
        return r.json().get("active").asBoolean();
    }

    @Test
    void an_active_token_is_described_with_the_rfc_7662_fields() {
        String access = login("described", "read", "write").text("access_token");
        Http.Response r = introspect(access);
        assertEquals(200, r.status(), r.body());
        assertEquals("no-store", r.header("Cache-Control"));
        JsonNode j = r.json();
        DecodedJWT jwt = JWT.decode(access);
        assertTrue(j.get("active").asBoolean());
        assertEquals("read write", j.get("scope").asText());
        assertEquals("described", j.get("client_id").asText());
        assertEquals("described", j.get("sub").asText());
        assertEquals(server.url(), j.get("aud").asText());
        assertEquals(server.url(), j.get("iss").asText());
        assertEquals(jwt.getExpiresAtAsInstant().getEpochSecond(), j.get("exp").asLong());
        assertEquals(jwt.getIssuedAtAsInstant().getEpochSecond(), j.get("iat").asLong());
        assertEquals(jwt.getId(), j.get("jti").asText());
        assertEquals("Bearer", j.get("token_type").asText());
    }

    @Test
    void a_token_for_another_resource_is_active_with_that_audience() {
        server.createUser("remote", secret("remote"), "read");
        String access = http.postForm("/oauth/token", Http.form("grant_type", "client_credentials", "resource", API),
            "Authorization", basic("remote", secret("remote"))).text("access_token");
        JsonNode j = introspect(access).json();
        assertTrue(j.get("active").asBoolean());
        assertEquals(API, j.get("aud").asText());
    }

    @Test
    void inactive_answers_carry_nothing_but_active_false() {
        Http.Response r = introspect("not-a-token");
        assertEquals(200, r.status());
        assertEquals(1, r.json().size());
        assertFalse(r.json().get("active").asBoolean());
    }

    /** client_credentials tokens have no family, so only the user's state can make them inactive. */
    static String accessOnly(String name) {
        server.createUser(name, secret(name), "read");
        return http.postForm("/oauth/token", Http.form("grant_type", "client_credentials"),
            "Authorization", basic(name, secret(name))).text("access_token");
    }

    @Test
    void a_disabled_users_token_is_not_active() {
        String access = accessOnly("paused");
        assertTrue(active(access));
        server.app().users().update("paused", new Users.Patch(null, null, false), ACTOR, false);
        assertFalse(active(access));
    }

    @Test
    void a_deleted_users_token_is_not_active() {
        String access = accessOnly("gone");
        assertTrue(active(access));
        server.app().users().delete("gone", ACTOR, false);
        assertFalse(active(access));
    }

    @Test
    void a_token_of_a_revoked_family_is_not_active() {
        Http.Response session = login("ended", "read");
        http.postJson("/logout", Http.json("refresh_token", session.text("refresh_token")));
        assertFalse(active(session.text("access_token")));
    }

    @Test
    void an_expired_token_is_not_active() {
        String access = login("aging", "read").text("access_token");
        clock.advance(Duration.ofMinutes(14).plusSeconds(59));
        assertTrue(active(access));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(active(access));
    }

    @Test
    void a_token_whose_user_lost_a_scope_since_is_inactive_and_one_whose_user_gained_one_stays_active() {
        String narrowed = login("shrunk", "read", "write").text("access_token");
        server.app().users().update("shrunk", new Users.Patch(null, List.of("read"), null), ACTOR, false);
        assertFalse(active(narrowed), "narrowing bumps the user's generation (contract B)");
        String widened = login("grown", "read").text("access_token");
        server.app().users().update("grown", new Users.Patch(null, List.of("read", "write"), null), ACTOR, false);
        assertEquals("read", introspect(widened).text("scope"));
    }

    @Test
    void refresh_tokens_are_never_active_here() {
        assertFalse(active(login("refresher", "read").text("refresh_token")));
    }

    @Test
    void an_admin_may_introspect_with_client_secret_post() {
        String access = login("watched", "read").text("access_token");
        Http.Response r = http.postForm("/oauth/introspect", Http.form("token", access, "client_id", "admin",
            "client_secret", TestServer.ADMIN_PASSWORD));
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().get("active").asBoolean());
    }

    @Test
    void a_caller_without_introspect_or_admin_is_refused() {
        String access = login("private", "read").text("access_token");
        Http.Response r = http.postForm("/oauth/introspect", Http.form("token", access), "Authorization", basic("nosy", secret("nosy")));
        assertEquals(403, r.status());
        assertEquals("insufficient_scope", r.error());
    }

    @Test
    void an_unauthenticated_caller_is_invalid_client() {
        String access = login("guarded", "read").text("access_token");
        Http.Response r = http.postForm("/oauth/introspect", Http.form("token", access), "Authorization", basic("rs", "wrong-secret-1"));
        assertEquals(401, r.status());
        assertEquals("invalid_client", r.error());
        assertTrue(r.header("WWW-Authenticate").startsWith("Basic"));
        assertEquals("invalid_client", http.postForm("/oauth/introspect", Http.form("token", access)).error());
    }

    @Test
    void the_token_parameter_is_required() {
        Http.Response r = http.postForm("/oauth/introspect", "", "Authorization", basic("rs", RS_SECRET));
        assertEquals(400, r.status());
        assertEquals("invalid_request", r.error());
    }
}
