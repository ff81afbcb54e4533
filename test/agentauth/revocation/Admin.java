package agentauth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The admin API and the agents' logins of one server, over real HTTP, as the admin page and agents call them. */
final class Admin {
    static final String SECRET = "agent-secret-for-kill-tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    final Http http;
    private String token;

    Admin(Http http) {
        this.http = http;
        relogin();
    }

    /** Logs the admin in again (after a test moved the server's clock past its token). */
    void relogin() {
        token = ok(http.login("admin", TestServer.ADMIN_PASSWORD)).text("access_token");
    }

    void createAgent(String name, String... scopes) {
        Http.Response r = http.postJson("/admin/api/users", Http.json("username", name, "password", SECRET, "scopes", List.of(scopes)),
            "Authorization", Http.bearer(token));
        assertEquals(201, r.status(), r.body());
    }

    /** A POST without a body (kill, revoke); fails unless it succeeded. */
    Http.Response post(String path) {
        Http.Response r = http.send("POST", path, null, null, "Authorization", Http.bearer(token));
        assertTrue(r.status() / 100 == 2, r.status() + " " + r.body());
        return r;
    }

    Http.Response patch(String name, String json) {
        return ok(http.send("PATCH", "/admin/api/users/" + name, "application/json", json.getBytes(StandardCharsets.UTF_8),
            "Authorization", Http.bearer(token)));
    }

    /** {@code POST /admin/api/users/{name}/kill}. */
    Http.Response kill(String name) {
        return post("/admin/api/users/" + name + "/kill");
    }

    /** The token response of the agent's login with {@code secret}. */
    Http.Response login(String name, String secret) {
        return ok(http.login(name, secret));
    }

    /** A fresh access token of the agent (its secret as created). */
    String accessToken(String name) {
        return login(name, SECRET).text("access_token");
    }

    Http.Response refresh(String refreshToken) {
        return http.postJson("/refresh", Http.json("refresh_token", refreshToken));
    }

    /** The GET /revocations document as JSON. */
    JsonNode revocations() {
        return ok(http.get("/revocations")).json();
    }

    static Http.Response ok(Http.Response r) {
        assertEquals(200, r.status(), r.body());
        return r;
    }

    /** A claim of a JWT's payload ({@code part} 1) or header ({@code part} 0), read without checking anything. */
    static JsonNode jwt(String token, int part) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[part]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
