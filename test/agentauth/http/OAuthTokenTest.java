package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import agentauth.user.Users;
import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /oauth/token with grant_type=client_credentials: both client authentication methods and the §5.2 errors. */
class OAuthTokenTest {
    static final String SECRET = "worker-secret-1";
    /** Needs RFC 6749 §2.3.1 form-encoding inside Basic: '+', '%', ':' and non-ASCII. */
    static final String ODD_SECRET = "p+ss:w%rd ünï-42";
    @AutoClose
    static final TestServer server = TestServer.start();
    static final Http http = new Http(server.url());

    @BeforeAll
    static void createUsers() {
        server.createUser("worker", SECRET, "read", "write");
        server.createUser("odd@agent", ODD_SECRET, "read");
        server.createUser("dormant", "dormant-secret-1", "read");
        server.app().users().update("dormant", new Users.Patch(null, null, false), new Users.Actor("test", null), false);
    }

    /** RFC 6749 §2.3.1: base64 of urlencode(id) ":" urlencode(secret). */
    static String basic(String id, String secret) {
        String pair = URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static Http.Response token(String form, String... headers) {
        return http.postForm("/oauth/token", form, headers);
    }

    static void assertError(Http.Response r, int status, String code) {
        assertEquals(status, r.status(), r.body());
        assertEquals(code, r.error(), r.body());
        assertNotNull(r.text("error_description"));
    }

    @Test
    void client_secret_basic_gets_an_access_token_and_no_refresh_token() {
        Http.Response r = token(Http.form("grant_type", "client_credentials"), "Authorization", basic("worker", SECRET));
        assertEquals(200, r.status(), r.body());
        assertEquals("Bearer", r.text("token_type"));
        assertEquals("read write", r.text("scope"));
        assertTrue(r.json().get("expires_in").asLong() > 800);
        assertFalse(r.json().has("refresh_token"), "RFC 6749 §4.4.3: no refresh token");
        assertEquals("no-store", r.header("Cache-Control"));
        assertEquals("no-cache", r.header("Pragma"));
        DecodedJWT jwt = JWT.decode(r.text("access_token"));
        assertEquals("at+jwt", jwt.getType());
        assertEquals("worker", jwt.getSubject());
        assertEquals("worker", jwt.getClaim("client_id").asString());
        assertEquals(List.of(server.url()), jwt.getAudience());
        assertTrue(jwt.getClaim("sid").isMissing(), "no family behind a client_credentials token");
    }

    @Test
    void client_secret_post_works_the_same() {
        Http.Response r = token(Http.form("grant_type", "client_credentials", "client_id", "worker", "client_secret", SECRET));
        assertEquals(200, r.status(), r.body());
        assertEquals("worker", JWT.decode(r.text("access_token")).getSubject());
    }

    @Test
    void basic_credentials_are_form_decoded_as_rfc_6749_says() {
        Http.Response r = token(Http.form("grant_type", "client_credentials"), "Authorization", basic("odd@agent", ODD_SECRET));
        assertEquals(200, r.status(), r.body());
        String raw = "Basic " + Base64.getEncoder().encodeToString(("odd@agent:" + ODD_SECRET).getBytes(StandardCharsets.UTF_8));
        assertError(token(Http.form("grant_type", "client_credentials"), "Authorization", raw), 401, "invalid_client");
    }

    @Test
    void the_token_is_usable_at_the_servers_own_endpoints() {
        String access = token(Http.form("grant_type", "client_credentials"), "Authorization", basic("worker", SECRET)).text("access_token");
        Http.Response me = http.get("/me", "Authorization", Http.bearer(access));
        assertEquals(200, me.status(), me.body());
        assertEquals("worker", me.text("sub"));
    }

    @Test
    void scope_narrows_the_token() {
        Http.Response r = token(Http.form("grant_type", "client_credentials", "scope", "write"), "Authorization", basic("worker", SECRET));
        assertEquals("write", r.text("scope"));
        assertEquals("write", JWT.decode(r.text("access_token")).getClaim("scope").asString());
    }

    @Test
    void a_scope_the_client_does_not_hold_is_invalid_scope() {
        assertError(token(Http.form("grant_type", "client_credentials", "scope", "read admin"), "Authorization", basic("worker", SECRET)),
            400, "invalid_scope");
        assertError(token(Http.form("grant_type", "client_credentials", "scope", "bad\\scope"), "Authorization", basic("worker", SECRET)),
            400, "invalid_scope");
    }

    @Test
    void invalid_scope_is_only_told_to_an_authenticated_client() {
        assertError(token(Http.form("grant_type", "client_credentials", "scope", "admin"), "Authorization", basic("worker", "wrong-secret-1")),
            401, "invalid_client");
    }

    @Test
    void a_wrong_basic_secret_is_401_invalid_client_with_a_basic_challenge() {
        Http.Response r = token(Http.form("grant_type", "client_credentials"), "Authorization", basic("worker", "wrong-secret-1"));
        assertError(r, 401, "invalid_client");
        assertTrue(r.header("WWW-Authenticate").startsWith("Basic"), r.header("WWW-Authenticate"));
    }

    /** Issue 18: RFC 6749 §5.2 allows 400 here, and Spring's OAuth client reads the error code only from a 400. */
    @Test
    void a_failed_client_secret_post_is_400_invalid_client_without_a_challenge() {
        for (String form : List.of(Http.form("grant_type", "client_credentials", "client_id", "worker", "client_secret", "wrong-secret-1"),
                Http.form("grant_type", "client_credentials", "client_id", "nobody", "client_secret", SECRET),
                Http.form("grant_type", "client_credentials", "client_id", "worker"))) {
            Http.Response r = token(form);
            assertError(r, 400, "invalid_client");
            assertNull(r.header("WWW-Authenticate"));
        }
    }

    @Test
    void unknown_and_disabled_clients_get_the_same_invalid_client() {
        assertError(token(Http.form("grant_type", "client_credentials"), "Authorization", basic("nobody", SECRET)), 401, "invalid_client");
        assertError(token(Http.form("grant_type", "client_credentials"), "Authorization", basic("dormant", "dormant-secret-1")),
            401, "invalid_client");
    }

    /** RFC 6749 §5.2: a 401 names the scheme to use (and RFC 9110 §15.5.2 wants a challenge on every 401). */
    @Test
    void no_client_authentication_at_all_is_401_invalid_client_with_a_basic_challenge() {
        Http.Response r = token(Http.form("grant_type", "client_credentials"));
        assertError(r, 401, "invalid_client");
        assertEquals("Basic realm=\"agent-auth\"", r.header("WWW-Authenticate"));
    }

    @Test
    void malformed_basic_headers_are_invalid_client_with_a_challenge() {
        String badEscape = "Basic " + Base64.getEncoder().encodeToString(("worker:" + "%zz").getBytes(StandardCharsets.UTF_8));
        for (String header : List.of("Basic", "Basic !!!not-base64!!!", "Basic d29ya2Vy", badEscape, "Bearer abc")) {
            Http.Response r = token(Http.form("grant_type", "client_credentials"), "Authorization", header);
            assertError(r, 401, "invalid_client");
            assertTrue(r.header("WWW-Authenticate").startsWith("Basic"), header);
        }
    }

    @Test
    void basic_and_a_body_secret_at_once_is_invalid_request() {
        assertError(token(Http.form("grant_type", "client_credentials", "client_id", "worker", "client_secret", SECRET),
            "Authorization", basic("worker", SECRET)), 400, "invalid_request");
    }

    @Test
    void a_client_id_beside_basic_must_name_the_same_client() {
        assertEquals(200, token(Http.form("grant_type", "client_credentials", "client_id", "worker"),
            "Authorization", basic("worker", SECRET)).status());
        assertError(token(Http.form("grant_type", "client_credentials", "client_id", "odd@agent"),
            "Authorization", basic("worker", SECRET)), 400, "invalid_request");
    }

    @Test
    void grant_type_must_be_present_and_supported() {
        assertError(token(Http.form("client_id", "worker", "client_secret", SECRET)), 400, "invalid_request");
        assertError(token(Http.form("grant_type", "password", "username", "worker", "password", SECRET)), 400, "unsupported_grant_type");
        assertError(token(Http.form("grant_type", "authorization_code", "code", "x"), "Authorization", basic("worker", SECRET)),
            400, "unsupported_grant_type");
    }

    @Test
    void only_well_formed_form_bodies_are_accepted() {
        assertError(http.postJson("/oauth/token", Http.json("grant_type", "client_credentials", "client_id", "worker",
            "client_secret", SECRET)), 400, "invalid_request");
        assertError(token("grant_type=client_credentials&grant_type=client_credentials", "Authorization", basic("worker", SECRET)),
            400, "invalid_request");
        assertError(token("grant_type=client%zz", "Authorization", basic("worker", SECRET)), 400, "invalid_request");
        assertError(token("grant_type=client_credentials&pad=" + "x".repeat(20_000), "Authorization", basic("worker", SECRET)),
            400, "invalid_request");
    }
}
