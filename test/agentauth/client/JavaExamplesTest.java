package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
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
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    private static Path clientJar() {
        return JarProcess.jar().resolveSibling("agent-auth-client.jar");
    }

    /** Javalin and what it needs at run time; not Bouncy Castle, Jackson or anything of the server. */
    private static String javalinJars() throws IOException {
        try (Stream<Path> libs = Files.list(Path.of("lib"))) {
            return libs.map(Path::toString)
                    .filter(p -> p.matches(".*/(javalin|jetty-|jakarta\\.servlet|kotlin-stdlib|slf4j-).*\\.jar"))
                    .sorted().collect(Collectors.joining(":"));
        }
    }

    private Path compile(String source, String classPath) {
        Path out = dir.resolve(source.replace(".java", ""));
        int code = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-Xlint:all",
                "-Werror", "-cp", classPath, "-d", out.toString(), EXAMPLES.resolve(source).toString());
        assertEquals(0, code, "javac " + source);
        return out;
    }

    private Process launch(String classPath, String mainClass, Map<String, String> env) throws IOException {
        ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classPath, mainClass).redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("AGENT_AUTH"));
        b.environment().putAll(env);
        Process p = b.start();
        processes.add(p);
        return p;
    }

    @Test
    void the_agent_example_calls_the_service_example_with_a_token_from_a_real_server() throws Exception {
        Path agent = compile("AgentExample.java", clientJar().toString());
        Path service = compile("ServiceExample.java", clientJar() + ":" + javalinJars());
        int port = freePort();
        String serviceUrl = "http://127.0.0.1:" + port;
        try (TestServer server = TestServer.start("--resource", serviceUrl)) {
            server.createUser("example-agent", SECRET, "read");
            Process serviceProcess = launch(service + ":" + clientJar() + ":" + javalinJars(), "ServiceExample",
                    Map.of("AGENT_AUTH_ISSUER", server.url(), "SERVICE_URL", serviceUrl, "PORT", String.valueOf(port)));
            assertEquals(serviceUrl, awaitListening(serviceProcess));

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

            Process agentProcess = launch(agent + ":" + clientJar(), "AgentExample", Map.of(
                    "AGENT_AUTH_SERVER", server.url(), "AGENT_AUTH_USERNAME", "example-agent",
                    "AGENT_AUTH_PASSWORD", SECRET, "SERVICE_URL", serviceUrl));
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(agentProcess));
            assertTrue(agentProcess.waitFor(60, TimeUnit.SECONDS), "the agent example did not finish in 60 s");
            assertEquals("200 hello example-agent", output.get().strip());
            assertEquals(0, agentProcess.exitValue());
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The service's base URL, from the line it prints once it listens. */
    private static String awaitListening(Process service) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("service listening on ")) {
                        return line.substring("service listening on ".length());
                    }
                    seen.append(line).append('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("the service example exited:\n" + seen);
        });
        String base = url.get(60, TimeUnit.SECONDS);
        CompletableFuture.runAsync(() -> { // keeps reading, so the service never blocks on a full pipe
            try {
                while (lines.readLine() != null) {
                    // discarded
                }
            } catch (IOException ended) {
                // the process was stopped
            }
        });
        return base;
    }

    private static String readAll(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
