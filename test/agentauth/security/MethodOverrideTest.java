package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13 item 2: a header that names another method is refused on every route. Javalin took
 * X-HTTP-Method-Override as the method, so a GET (which a proxy rule may allow as read-only)
 * deleted a user.
 */
class MethodOverrideTest {
    static TestServer server;
    static Http http;
    static String adminToken;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new Http(server.url());
        adminToken = http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
    }

    @AfterAll
    static void stop() {
        server.close();
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
}
