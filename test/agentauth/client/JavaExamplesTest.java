package agentauth.client;

import static agentauth.client.ExampleProcesses.clientJar;
import static agentauth.client.ExampleProcesses.javalinJars;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java examples of docs/examples/java, as a user would run them: compiled with javac
 * against agent-auth-client.jar alone (the service also against the Javalin jars, as a service
 * brings its own), each run as its own process, the agent calling the service with a token from
 * a real agent-auth server.
 */
class JavaExamplesTest {
    private static final Path EXAMPLES = Path.of("docs/examples/java");
    private static final String SECRET = "example-agent-secret-1";

    @TempDir
    Path dir;
    private ExampleProcesses examples;

    @AfterEach
    void stop() {
        if (examples != null) examples.close();
    }

    @Test
    void the_agent_example_calls_the_service_example_with_a_token_from_a_real_server() throws Exception {
        examples = new ExampleProcesses(dir);
        Path agent = examples.compile(EXAMPLES.resolve("AgentExample.java"), clientJar().toString());
        Path service = examples.compile(EXAMPLES.resolve("ServiceExample.java"), clientJar() + ":" + javalinJars());
        int port = ExampleProcesses.freePort();
        String serviceUrl = "http://127.0.0.1:" + port;
        try (TestServer server = TestServer.start("--resource", serviceUrl)) {
            server.createUser("example-agent", SECRET, "read");
            Process serviceProcess = examples.java(service + ":" + clientJar() + ":" + javalinJars(), "ServiceExample",
                    Map.of("AGENT_AUTH_ISSUER", server.url(), "SERVICE_URL", serviceUrl, "PORT", String.valueOf(port)));
            assertEquals(serviceUrl, ExampleProcesses.awaitLine(serviceProcess, "service listening on "));

            // RFC 9728: from a 401 alone, a client finds the metadata and in it the auth server
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(serviceUrl + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());
            String metadataUrl = serviceUrl + "/.well-known/oauth-protected-resource";
            assertEquals("Bearer resource_metadata=\"" + metadataUrl + "\"",
                    anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
            String metadata = http.send(HttpRequest.newBuilder(URI.create(metadataUrl)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metadata.contains("\"authorization_servers\":[\"" + server.url() + "\"]"), metadata);
            assertTrue(metadata.contains("\"resource\":\"" + serviceUrl + "\""), metadata);

            Process agentProcess = examples.java(agent + ":" + clientJar(), "AgentExample", Map.of(
                    "AGENT_AUTH_SERVER", server.url(), "AGENT_AUTH_USERNAME", "example-agent",
                    "AGENT_AUTH_PASSWORD", SECRET, "SERVICE_URL", serviceUrl));
            assertEquals("200 hello example-agent", ExampleProcesses.output(agentProcess).strip());
        }
    }
}
