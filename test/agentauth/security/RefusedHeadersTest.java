package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Headers refused on every route. Issue 13 item 2: a header that names another method; Javalin
 * took X-HTTP-Method-Override as the method, so a GET (which a proxy rule may allow as
 * read-only) deleted a user. Item 8: two Authorization headers, of which the server read the
 * first while a proxy may check the last.
 */
class RefusedHeadersTest {
    @AutoClose
    static final TestServer server = TestServer.start();
    static final Http http = new Http(server.url());
    static String adminToken;

    @BeforeAll
    static void signInAsAdmin() {
        adminToken = http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("GET", "/admin/api/users/bob", "X-HTTP-Method-Override", "DELETE"),
            Arguments.of("HEAD", "/admin/api/users/bob", "X-HTTP-Method-Override", "DELETE"),
            Arguments.of("POST", "/admin/api/users/bob", "X-HTTP-Method-Override", "PATCH"),
            Arguments.of("GET", "/admin/api/users/bob", "X-HTTP-Method", "DELETE"),
            Arguments.of("GET", "/admin/api/users/bob", "X-Method-Override", "DELETE"),
            Arguments.of("GET", "/health", "X-HTTP-Method-Override", "GET"),
            Arguments.of("GET", "/admin/", "X-HTTP-Method-Override", "GET"),
            Arguments.of("GET", "/no/such/path", "X-HTTP-Method-Override", "GET"),
            Arguments.of("POST", "/login", "x-http-method-override", "POST"),
            Arguments.of("GET", "/.well-known/jwks.json", "X-HTTP-Method", "GET"));
    }

    @ParameterizedTest(name = "{0} {1} with {2}: {3} -> 400")
    @MethodSource("cases")
    void a_method_override_header_is_refused_and_changes_nothing(String method, String path, String header, String value) {
        if (server.app().users().find("bob").isEmpty()) server.createUser("bob", "bob-secret-12345", "read");
        byte[] body = "{\"enabled\":false}".getBytes(StandardCharsets.UTF_8);
        Http.Response r = http.send(method, path, method.equals("POST") ? "application/json" : null,
            method.equals("POST") ? body : null, "Authorization", Http.bearer(adminToken), header, value);
        assertEquals(400, r.status(), r.body());
        if (!method.equals("HEAD")) {
            assertEquals("invalid_request", r.error());
            assertTrue(r.text("error_description").toLowerCase().contains(header.toLowerCase()), r.body());
        }
        assertEquals(List.of(true), server.app().users().find("bob").map(agentauth.user.Account::enabled).stream().toList(),
            "bob is still there, enabled");
    }

    static Stream<Arguments> twoAuthorizations() {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + TestServer.ADMIN_PASSWORD)
            .getBytes(StandardCharsets.UTF_8));
        return Stream.of(
            Arguments.of("GET", "/me", Http.bearer(adminToken), "Bearer not-a-token"),
            Arguments.of("GET", "/admin/api/users", Http.bearer(adminToken), "Bearer not-a-token"),
            Arguments.of("GET", "/admin/api/users", "Bearer not-a-token", Http.bearer(adminToken)),
            Arguments.of("POST", "/oauth/token", basic, "Basic YWdlbnQ6d3Jvbmc="),
            Arguments.of("GET", "/health", Http.bearer(adminToken), Http.bearer(adminToken)),
            Arguments.of("GET", "/no/such/path", Http.bearer(adminToken), "Bearer x"));
    }

    @ParameterizedTest(name = "{0} {1} with two Authorization headers -> 400")
    @MethodSource("twoAuthorizations")
    void two_authorization_headers_are_refused(String method, String path, String first, String second) {
        byte[] form = "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8);
        Http.Response r = http.send(method, path, method.equals("POST") ? "application/x-www-form-urlencoded" : null,
            method.equals("POST") ? form : null, "Authorization", first, "Authorization", second);
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_request", r.error());
    }
}
