package agentauth.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** One server's admin API and token endpoints as agents and an admin call them, over real HTTP. */
final class Agents {
    static final String SECRET = "agent-secret-for-policy";
    static final ObjectMapper JSON = new ObjectMapper();

    final Http http;

    Agents(TestServer server) {
        this.http = new Http(server.url());
    }

    /** An admin token fresh for each call: tests move the server's clock past older ones. */
    private String admin() {
        Http.Response r = http.login("admin", TestServer.ADMIN_PASSWORD);
        assertEquals(200, r.status(), r.body());
        return Http.bearer(r.text("access_token"));
    }

    /** Creates {@code name} with scope read and the given fields (a JSON object's members, e.g. {@code "owner": "ops"}). */
    Http.Response create(String name, String fields) {
        ObjectNode body = object(fields);
        body.put("username", name).put("password", SECRET).putArray("scopes").add("read");
        return http.postJson("/admin/api/users", body.toString(), "Authorization", admin());
    }

    /** Creates {@code name}, failing the test unless it was created. */
    JsonNode created(String name, String fields) {
        Http.Response r = create(name, fields);
        assertEquals(201, r.status(), r.body());
        return r.json();
    }

    Http.Response patch(String name, String fields) {
        return http.send("PATCH", "/admin/api/users/" + name, "application/json",
            object(fields).toString().getBytes(StandardCharsets.UTF_8), "Authorization", admin());
    }

    JsonNode user(String name) {
        Http.Response r = http.get("/admin/api/users/" + name, "Authorization", admin());
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    /** The audit events of one type for one user, newest first. */
    JsonNode audit(String name, String type) {
        Http.Response r = http.get("/admin/api/audit?user=" + name + "&type=" + type, "Authorization", admin());
        assertEquals(200, r.status(), r.body());
        return r.json().get("events");
    }

    Http.Response login(String name, String... resource) {
        return resource.length == 0 ? http.login(name, SECRET)
            : http.postJson("/login", Http.json("username", name, "password", SECRET, "resource", resource[0]));
    }

    Http.Response refresh(String refreshToken) {
        return http.postJson("/refresh", Http.json("refresh_token", refreshToken));
    }

    /** grant_type=client_credentials with the secret in the form. */
    Http.Response clientCredentials(String name, String secret, String... resource) {
        String form = resource.length == 0 ? Http.form("grant_type", "client_credentials", "client_id", name, "client_secret", secret)
            : Http.form("grant_type", "client_credentials", "client_id", name, "client_secret", secret, "resource", resource[0]);
        return http.postForm("/oauth/token", form);
    }

    /** The claims of a JWT, unverified: the tests read what the server put in. */
    static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token's lifetime in seconds: exp - iat. */
    static long lifetime(Http.Response tokenResponse) {
        JsonNode c = claims(tokenResponse.text("access_token"));
        return c.get("exp").asLong() - c.get("iat").asLong();
    }

    static ObjectNode object(String fields) {
        try {
            return (ObjectNode) JSON.readTree("{" + fields + "}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> texts(JsonNode array) {
        return JSON.convertValue(array, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }
}
