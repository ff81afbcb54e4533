package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ProtectedResource.discover against a scripted service on a loopback port, which also plays
 * the auth server's metadata (each test scripts what is wrong with it). The path through a real
 * TokenVerifier-protected service and the real server is McpExampleTest's.
 */
class ProtectedResourceTest {
    private record Answer(int status, String challenge, String json) {}

    private HttpServer http;
    private final Map<String, Answer> routes = new ConcurrentHashMap<>();
    private String base;

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", ex -> {
            Answer a = routes.getOrDefault(ex.getRequestURI().getPath(), new Answer(404, null, "{}"));
            byte[] body = a.json().getBytes(StandardCharsets.UTF_8);
            if (a.challenge() != null) ex.getResponseHeaders().add("WWW-Authenticate", a.challenge());
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(a.status(), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();
        routes.put("/.well-known/oauth-authorization-server", new Answer(200, null, "{\"issuer\":\"" + base + "\"}"));
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    /** {@code path} answers 401 naming its metadata, which says {@code metadata}. */
    private void protect(String path, String metadata, String challengeExtra) {
        String wellKnown = "/.well-known/oauth-protected-resource" + path;
        routes.put(path, new Answer(401, "Bearer " + challengeExtra + "resource_metadata=\"" + base + wellKnown + "\"", "{}"));
        routes.put(wellKnown, new Answer(200, null, metadata));
    }

    private String metadata(String resource, String... servers) {
        return "{\"resource\":\"" + resource + "\",\"authorization_servers\":[\"" + String.join("\",\"", servers)
                + "\"],\"scopes_supported\":[\"tools\"]}";
    }

    @Test
    void the_first_named_server_the_agent_knows_is_chosen_with_the_resource_and_its_scopes() {
        protect("/mcp", metadata(base + "/mcp", "https://other.example", base + "/"), "");
        ProtectedResource found = ProtectedResource.discover(base + "/mcp", "POST", List.of("https://x.example", base));
        assertEquals(new ProtectedResource(base, base + "/mcp", List.of("tools")), found);
        protect("/scoped", metadata(base + "/scoped", base), "scope=\"tools:read tools:call\", ");
        assertEquals(List.of("tools:read", "tools:call"),
                ProtectedResource.discover(base + "/scoped", "GET", List.of(base)).scopes());
    }

    @Test
    void a_service_naming_only_servers_the_agent_does_not_know_is_refused() {
        protect("/mcp", metadata(base + "/mcp", "https://evil.example"), "");
        AuthProtocolException e = assertThrows(AuthProtocolException.class,
                () -> ProtectedResource.discover(base + "/mcp", "POST", List.of(base)));
        assertTrue(e.getMessage().contains("https://evil.example"), e.getMessage());
    }

    @Test
    void metadata_for_another_resource_is_refused() {
        for (String claimed : List.of("https://other.example/mcp", base + "/mcp-admin", base + "/m", base + "/mcp?x=1")) {
            protect("/mcp-tools", metadata(claimed, base), "");
            assertThrows(AuthProtocolException.class, () -> ProtectedResource.discover(base + "/mcp-tools", "POST", List.of(base)),
                    claimed);
        }
        protect("/api/v1/items", metadata(base + "/api", base), ""); // a prefix of the path is the same service
        assertEquals(base + "/api", ProtectedResource.discover(base + "/api/v1/items", "GET", List.of(base)).resource());
    }

    @Test
    void without_a_link_in_the_challenge_the_well_known_urls_are_read_with_the_path_then_without() {
        routes.put("/plain", new Answer(401, "Bearer", "{}"));
        routes.put("/.well-known/oauth-protected-resource/plain", new Answer(200, null, metadata(base + "/plain", base)));
        assertEquals(base + "/plain", ProtectedResource.discover(base + "/plain", "GET", List.of(base)).resource());
        routes.put("/bare", new Answer(401, "Bearer", "{}"));
        routes.put("/.well-known/oauth-protected-resource", new Answer(200, null, metadata(base, base)));
        assertEquals(base, ProtectedResource.discover(base + "/bare", "GET", List.of(base)).resource());
    }

    @Test
    void a_server_whose_metadata_names_another_issuer_is_refused() {
        routes.put("/.well-known/oauth-authorization-server", new Answer(200, null, "{\"issuer\":\"https://real.example\"}"));
        protect("/mcp", metadata(base + "/mcp", base), "");
        AuthProtocolException e = assertThrows(AuthProtocolException.class,
                () -> ProtectedResource.discover(base + "/mcp", "POST", List.of(base)));
        assertTrue(e.getMessage().contains("another issuer"), e.getMessage());
    }

    @Test
    void a_service_that_is_not_protected_or_not_up_says_so_in_the_exception_type() {
        routes.put("/open", new Answer(200, null, "{}"));
        assertEquals(200, assertThrows(AuthProtocolException.class,
                () -> ProtectedResource.discover(base + "/open", "GET", List.of(base))).status());
        routes.put("/busy", new Answer(503, null, "{}"));
        assertThrows(ServerUnavailableException.class, () -> ProtectedResource.discover(base + "/busy", "GET", List.of(base)));
        assertThrows(IllegalArgumentException.class, () -> ProtectedResource.discover("ftp://x/mcp", "GET", List.of(base)));
        assertThrows(IllegalArgumentException.class, () -> ProtectedResource.discover(base + "/open", "GET", List.of()));
    }
}
