package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.RawRequest;
import agentauth.support.TestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13 item 7: a web page in a browser on an agent's host must not be able to spend the
 * agent's failed-attempt budget. The endpoints that check a secret refuse cross-site browser
 * requests before checking anything; same-origin ones (the admin page) and clients that are
 * not browsers (no Origin, no Sec-Fetch-Site) go through.
 */
class CrossSiteTest {
    static final String SECRET = "cross-site-agent-secret";
    @AutoClose
    static final TestServer server = TestServer.start();
    static final Http http = new Http(server.url());

    @BeforeAll
    static void createUsers() {
        server.createUser("agent", SECRET, "introspect");
        server.createUser("victim", SECRET);
    }

    static Stream<Arguments> refused() {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("agent:" + SECRET).getBytes(StandardCharsets.UTF_8));
        String[] paths = {"/login", "/oauth/token", "/oauth/revoke", "/oauth/introspect"};
        String[][] headers = {{"Sec-Fetch-Site", "cross-site"}, {"Origin", "null"}, {"Origin", "https://evil.example"},
            {"Origin", "http://127.0.0.1:1"}};
        return Stream.of(paths).flatMap(p -> Stream.of(headers).map(h -> Arguments.of(p, h[0], h[1], basic)));
    }

    @ParameterizedTest(name = "POST {0} with {1}: {2} -> 400")
    @MethodSource("refused")
    void a_cross_site_request_to_an_endpoint_that_checks_secrets_is_refused(String path, String header, String value, String basic) {
        Http.Response r = path.equals("/login")
            ? http.postJson(path, Http.json("username", "agent", "password", SECRET), header, value)
            : http.postForm(path, Http.form("grant_type", "client_credentials", "token", "x"), "Authorization", basic, header, value);
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_request", r.error());
    }

    @Test
    void a_page_elsewhere_cannot_lock_the_agent_out_at_its_own_address() {
        for (int i = 0; i < 6; i++)
            http.postJson("/login", Http.json("username", "victim", "password", "wrong-secret-" + i),
                "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
        assertEquals(200, http.login("victim", SECRET).status(), "no failure was counted");
        assertEquals(0, server.app().audit().list(10, null, "victim", "login_failed").events().size());
    }

    @Test
    void the_issuers_own_origin_and_clients_without_one_are_accepted() {
        assertEquals(200, http.postJson("/login", Http.json("username", "agent", "password", SECRET),
            "Origin", server.url(), "Sec-Fetch-Site", "same-origin").status(), "the admin page");
        assertEquals(200, http.login("agent", SECRET).status(), "an agent: no Origin at all");
        assertEquals(200, http.postJson("/login", Http.json("username", "agent", "password", SECRET),
            "Sec-Fetch-Site", "none").status(), "typed into the browser's address bar: not cross-site");
    }

    @Test
    void the_requests_own_origin_is_accepted_when_it_is_not_the_issuers() {
        URI u = URI.create(server.url());
        String body = Http.json("username", "agent", "password", SECRET);
        String answer = RawRequest.exchange(server.url(), "POST /login HTTP/1.1\r\nHost: auth.internal:" + u.getPort()
            + "\r\nOrigin: http://auth.internal:" + u.getPort() + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
    }
}
