package agentauth.http;

import static agentauth.http.OAuthTokenTest.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 8707 resource indicators at /oauth/token: the audience of the token. */
class OAuthResourceTest {
    static final String API = "https://api.example.test";
    static final String REPORTS = "https://reports.example.test/v1";
    static final String SECRET = "operator-secret-1";
    @AutoClose
    static final TestServer server = TestServer.start("--resource", API, "--resource", REPORTS);
    static final Http http = new Http(server.url());

    @BeforeAll
    static void createUsers() {
        server.createUser("operator", SECRET, "read", "admin", "introspect");
    }

    static Http.Response clientCredentials(String secret, String... extra) {
        String[] form = new String[2 + extra.length];
        form[0] = "grant_type";
        form[1] = "client_credentials";
        System.arraycopy(extra, 0, form, 2, extra.length);
        return http.postForm("/oauth/token", Http.form(form), "Authorization", basic("operator", secret));
    }

    @Test
    void each_configured_resource_becomes_the_audience() {
        for (String resource : List.of(API, REPORTS)) {
            Http.Response r = clientCredentials(SECRET, "resource", resource);
            assertEquals(200, r.status(), r.body());
            assertEquals(List.of(resource), JWT.decode(r.text("access_token")).getAudience());
        }
    }

    @Test
    void the_issuer_always_counts_as_a_resource() {
        Http.Response r = clientCredentials(SECRET, "resource", server.url());
        assertEquals(List.of(server.url()), JWT.decode(r.text("access_token")).getAudience());
        assertEquals("read admin introspect", r.text("scope"));
    }

    @Test
    void a_resource_the_server_does_not_serve_is_invalid_target() {
        Http.Response r = clientCredentials(SECRET, "resource", "https://elsewhere.test");
        assertEquals(400, r.status());
        assertEquals("invalid_target", r.error());
    }

    @Test
    void invalid_target_is_only_told_to_an_authenticated_client() {
        Http.Response r = clientCredentials("wrong-secret-1", "resource", "https://elsewhere.test");
        assertEquals(401, r.status());
        assertEquals("invalid_client", r.error());
    }

    @Test
    void a_token_for_another_resource_never_carries_admin_or_introspect() {
        Http.Response r = clientCredentials(SECRET, "resource", API);
        assertEquals("read", r.text("scope"));
        DecodedJWT jwt = JWT.decode(r.text("access_token"));
        assertEquals("read", jwt.getClaim("scope").asString());
        Http.Response asked = clientCredentials(SECRET, "resource", API, "scope", "read introspect");
        assertEquals(400, asked.status());
        assertEquals("invalid_scope", asked.error());
    }

    @Test
    void a_token_for_another_resource_is_refused_by_the_servers_own_endpoints() {
        String access = clientCredentials(SECRET, "resource", API).text("access_token");
        assertEquals(401, http.get("/me", "Authorization", Http.bearer(access)).status());
    }
}
