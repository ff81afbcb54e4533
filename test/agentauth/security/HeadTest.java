package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.RawRequest;
import agentauth.support.TestServer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HEAD answers as GET would, without a body (issue 13 item 8, issue 12 item 3). Javalin answered
 * HEAD on a GET route with 200 without running the route, so a bearer route told anyone without
 * a token that it exists, and the redirects of / and /admin were 200s.
 */
class HeadTest {
    @AutoClose
    static final TestServer server = TestServer.start();
    static final Http http = new Http(server.url());
    static String adminToken;

    @BeforeAll
    static void signInAsAdmin() {
        adminToken = Http.bearer(http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token"));
    }

    static Stream<Arguments> paths() {
        return Stream.of(
            Arguments.of("/me", null), Arguments.of("/me", "Bearer not-a-token"), Arguments.of("/me", "admin"),
            Arguments.of("/admin/api/users", null), Arguments.of("/admin/api/users", "admin"),
            Arguments.of("/admin/api/users/admin", null), Arguments.of("/admin/api/users/nobody", "admin"),
            Arguments.of("/admin/api/audit", null), Arguments.of("/admin/api/keys", "admin"),
            Arguments.of("/health", null), Arguments.of("/.well-known/jwks.json", null),
            Arguments.of("/.well-known/oauth-authorization-server", null), Arguments.of("/admin/", null),
            Arguments.of("/", null), Arguments.of("/admin", null), Arguments.of("/no/such/path", null));
    }

    @ParameterizedTest(name = "HEAD {0} as {1} answers as GET")
    @MethodSource("paths")
    void head_answers_with_the_status_and_headers_of_get(String path, String authorization) {
        String[] auth = authorization == null ? new String[0]
            : new String[] {"Authorization", authorization.equals("admin") ? adminToken : authorization};
        Http.Response get = http.send("GET", path, null, null, auth);
        Http.Response head = http.send("HEAD", path, null, null, auth);
        assertEquals(get.status(), head.status(), "GET answered " + get.body());
        for (String h : new String[] {"Location", "WWW-Authenticate", "Cache-Control", "Content-Type", "Content-Security-Policy"})
            assertEquals(get.header(h), head.header(h), h);
        assertEquals("", head.body());
    }

    @Test
    void head_sends_no_body_on_the_wire() {
        String answer = RawRequest.exchange(server.url(), "HEAD /me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
        assertTrue(answer.endsWith("\r\n\r\n"), "nothing after the headers: " + answer);
    }
}
