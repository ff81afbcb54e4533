package agentauth.client;

import static agentauth.client.ExampleProcesses.clientJar;
import static agentauth.client.ExampleProcesses.javalinJars;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP example of docs/examples/mcp end to end, as a user runs it: the real jar as the auth
 * server, the MCP server example as its own process (client jar, Javalin, Jackson), and the
 * agents (Python with the agent_auth.py fetched from the server; Java with the client jar
 * alone) finding the auth server from the MCP server's 401 and calling its tool.
 */
class McpExampleTest {
    private static final Path EXAMPLES = Path.of("docs/examples/mcp");
    private static final String SECRET = "mcp-agent-secret-1";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static ExampleProcesses examples;
    static JarProcess authServer;
    static String mcpUrl;

    @BeforeAll
    static void start() throws Exception {
        examples = new ExampleProcesses(dir);
        Path mcpServer = examples.compile(EXAMPLES.resolve("McpServerExample.java"),
                clientJar() + ":" + javalinJars("jackson-"));
        int port = ExampleProcesses.freePort();
        mcpUrl = "http://127.0.0.1:" + port + "/mcp";
        authServer = JarProcess.start(dir.resolve("agent-auth.db"), "--resource", mcpUrl);
        Http admin = authServer.http();
        String adminToken = admin.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
        Http.Response created = admin.postJson("/admin/api/users", Http.json("username", "mcp-agent",
                "password", SECRET, "scopes", List.of("tools"), "enabled", true), "Authorization", Http.bearer(adminToken));
        assertEquals(201, created.status(), created.body());
        Process process = examples.java(mcpServer + ":" + clientJar() + ":" + javalinJars("jackson-"), "McpServerExample",
                Map.of("AGENT_AUTH_ISSUER", authServer.url(), "MCP_URL", mcpUrl, "PORT", String.valueOf(port)));
        assertEquals("http://127.0.0.1:" + port, ExampleProcesses.awaitLine(process, "MCP server listening on "));
    }

    @AfterAll
    static void stop() {
        if (examples != null) examples.close();
        if (authServer != null) authServer.close();
    }

    private static HttpResponse<String> post(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mcpUrl)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}"));
        if (authorization != null) b.header("Authorization", authorization);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, String> agentEnv(String server) {
        return Map.of("AGENT_AUTH_SERVER", server, "AGENT_AUTH_USERNAME", "mcp-agent",
                "AGENT_AUTH_PASSWORD", SECRET, "MCP_URL", mcpUrl);
    }

    /** The Python agent, with the client module as a user gets it: from the server, by URL. */
    private Process pythonAgent(String server) throws Exception {
        Path modules = Files.createDirectories(dir.resolve("python"));
        HttpResponse<Path> fetched = HTTP.send(HttpRequest.newBuilder(URI.create(authServer.url()
                + "/clients/python/agent_auth.py")).build(), HttpResponse.BodyHandlers.ofFile(modules.resolve("agent_auth.py")));
        assertEquals(200, fetched.statusCode());
        Map<String, String> env = new HashMap<>(agentEnv(server));
        env.put("PYTHONPATH", modules.toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        return examples.start(List.of("python3", EXAMPLES.resolve("mcp_agent.py").toString()), env);
    }

    @Test
    void the_mcp_server_points_a_client_without_a_token_at_its_metadata_and_the_metadata_at_the_auth_server()
            throws Exception {
        HttpResponse<String> anonymous = post(null);
        assertEquals(401, anonymous.statusCode());
        String metadataUrl = mcpUrl.replace("/mcp", "/.well-known/oauth-protected-resource/mcp"); // RFC 9728 §3.1
        assertEquals("Bearer resource_metadata=\"" + metadataUrl + "\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        String metadata = HTTP.send(HttpRequest.newBuilder(URI.create(metadataUrl)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metadata.contains("\"resource\":\"" + mcpUrl + "\""), metadata);
        assertTrue(metadata.contains("\"authorization_servers\":[\"" + authServer.url() + "\"]"), metadata);
        assertTrue(metadata.contains("\"scopes_supported\":[\"tools\"]"), metadata);
    }

    @Test
    void a_token_for_the_auth_server_itself_is_refused_by_the_mcp_server() throws Exception {
        String ownToken = authServer.http().login("mcp-agent", SECRET).text("access_token"); // aud: the issuer
        HttpResponse<String> refused = post(Http.bearer(ownToken));
        assertEquals(401, refused.statusCode());
        assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));
    }

    @Test
    void the_python_agent_discovers_the_auth_server_and_calls_the_tool() throws Exception {
        String out = ExampleProcesses.output(pythonAgent(authServer.url()));
        assertEquals("tokens for " + mcpUrl + " come from " + authServer.url() + "\n200 you are mcp-agent", out.strip());
    }

    @Test
    void the_java_agent_discovers_the_auth_server_and_calls_the_tool() throws Exception {
        Path agent = examples.compile(EXAMPLES.resolve("McpAgentExample.java"), clientJar().toString());
        String out = ExampleProcesses.output(examples.java(agent + ":" + clientJar(), "McpAgentExample", agentEnv(authServer.url())));
        assertTrue(out.startsWith("tokens for " + mcpUrl + " come from " + authServer.url() + "\n200 {"), out);
        assertTrue(out.contains("\"text\":\"you are mcp-agent\""), out);
        assertTrue(out.contains("\"id\":1"), out);
    }

    @Test
    void an_agent_refuses_an_mcp_server_whose_auth_server_it_holds_no_credentials_for() throws Exception {
        Process p = pythonAgent("http://127.0.0.1:9"); // the agent's only server is another one
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue(), out);
        assertTrue(out.contains("DiscoveryError") && out.contains("none of the servers this agent may send its secret to"), out);
    }
}
