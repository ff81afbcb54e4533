package agentauth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.client.TokenVerifier;
import agentauth.store.SessionStore;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenCommandTest {
    private static final String SECRET = "p@ss:w\u00f6rd%+ &=of-12+chars";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private HttpServer oauth;

    @AfterEach
    void stop() {
        if (oauth != null) {
            oauth.stop(0);
        }
    }

    private int run(Map<String, String> env, String stdin, String... args) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return TokenCommand.run(args, env, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A /oauth/token on loopback that answers {@code status body} and keeps what it was sent. */
    private String oauthServer(int status, String body, AtomicReference<String> auth, AtomicReference<String> form)
            throws Exception {
        oauth = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        oauth.createContext("/oauth/token", ex -> {
            auth.set(ex.getRequestHeaders().getFirst("Authorization"));
            form.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        });
        oauth.start();
        return "http://127.0.0.1:" + oauth.getAddress().getPort();
    }

    @Test
    void client_credentials_prints_only_the_token_and_form_encodes_the_basic_credentials() throws Exception {
        AtomicReference<String> auth = new AtomicReference<>();
        AtomicReference<String> form = new AtomicReference<>();
        String url = oauthServer(200, "{\"access_token\":\"the.access.token\",\"token_type\":\"Bearer\",\"expires_in\":900}",
                auth, form);
        int code = run(Map.of("AGENT_AUTH_PASSWORD", SECRET), "", "--server", url, "--username", "agent 1",
                "--scope", "read", "--scope", "write", "--resource", "https://api.example/x?y=1");
        assertEquals(0, code, err());
        assertEquals("the.access.token" + System.lineSeparator(), out());
        assertEquals("", err());
        // RFC 6749 §2.3.1: each part form-url-encoded, then joined and base64-encoded
        String basic = new String(Base64.getDecoder().decode(auth.get().substring("Basic ".length())), StandardCharsets.UTF_8);
        String[] parts = basic.split(":", 2);
        assertEquals("agent+1", parts[0]);
        assertFalse(parts[1].contains(":"), "a colon in the secret is encoded");
        assertEquals(SECRET, URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        assertEquals(Map.of("grant_type", "client_credentials", "scope", "read write",
                "resource", "https://api.example/x?y=1"), decode(form.get()));
    }

    private static Map<String, String> decode(String form) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            String[] kv = pair.split("=", 2);
            m.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void the_secret_comes_from_the_first_line_of_standard_input_when_the_variable_is_unset() throws Exception {
        AtomicReference<String> auth = new AtomicReference<>();
        String url = oauthServer(200, "{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":60}", auth,
                new AtomicReference<>());
        assertEquals(0, run(Map.of(), "line-one-secret\r\nline two\n", "--server", url, "--username", "a"));
        assertEquals("a:line-one-secret",
                new String(Base64.getDecoder().decode(auth.get().substring(6)), StandardCharsets.UTF_8));
    }

    @Test
    void refused_credentials_exit_1_with_one_line_and_never_the_secret() throws Exception {
        String url = oauthServer(401, "{\"error\":\"invalid_client\",\"error_description\":\"Wrong name or secret.\"}",
                new AtomicReference<>(), new AtomicReference<>());
        assertEquals(1, run(Map.of("AGENT_AUTH_PASSWORD", SECRET), "", "--server", url, "--username", "a"));
        assertEquals("", out());
        assertEquals(1, err().lines().count(), err());
        assertTrue(err().contains("invalid_client"), err());
        assertFalse(err().contains(SECRET));
    }

    @Test
    void an_agent_that_must_use_dpop_is_refused_with_one_line_that_says_why() throws Exception {
        String url = oauthServer(400, "{\"error\":\"invalid_dpop_proof\",\"error_description\":\"DPoP is required.\"}",
                new AtomicReference<>(), new AtomicReference<>());
        assertEquals(1, run(Map.of("AGENT_AUTH_PASSWORD", SECRET), "", "--server", url, "--username", "bound-agent"));
        assertEquals(1, err().lines().count(), err());
        assertTrue(err().contains("requires DPoP") && err().contains("Bearer tokens only"), err());
    }

    @Test
    void an_overloaded_server_exits_3_saying_when_to_retry() throws Exception {
        oauthServer(503, "{\"error\":\"temporarily_unavailable\"}", new AtomicReference<>(), new AtomicReference<>());
        oauth.removeContext("/oauth/token");
        oauth.createContext("/oauth/token", ex -> {
            ex.getResponseHeaders().set("Retry-After", "7");
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        String url = "http://127.0.0.1:" + oauth.getAddress().getPort();
        assertEquals(3, run(Map.of("AGENT_AUTH_PASSWORD", SECRET), "", "--server", url, "--username", "a"));
        assertTrue(err().contains("retry after 7 s"), err());
    }

    @Test
    void usage_errors_exit_2_and_an_unreachable_server_exits_3() throws Exception {
        assertEquals(2, run(Map.of("AGENT_AUTH_PASSWORD", SECRET), "", "--server", "http://127.0.0.1:1"));
        assertEquals(2, run(Map.of(), "", "--server", "http://127.0.0.1:1", "--username", "a"));
        assertTrue(err().contains("AGENT_AUTH_PASSWORD"), err());
        assertEquals(2, run(Map.of(), "", "--bogus", "x"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        err.reset();
        assertEquals(3, run(Map.of("AGENT_AUTH_PASSWORD", SECRET), "", "--server", "http://127.0.0.1:" + port,
                "--username", "a"));
        assertEquals(1, err().lines().count(), err());
        assertFalse(err().contains(SECRET));
    }

    @Test
    void a_server_without_oauth_token_gets_a_login_whose_session_is_ended_at_once() throws Exception {
        AtomicReference<String> loggedOut = new AtomicReference<>();
        oauth = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        oauth.createContext("/oauth/token", ex -> answer(ex, 404, "{\"error\":\"not_found\"}"));
        oauth.createContext("/login", ex -> answer(ex, 200, "{\"access_token\":\"login.access.token\",\"token_type\":"
                + "\"Bearer\",\"expires_in\":900,\"refresh_token\":\"the-refresh-token\"}"));
        oauth.createContext("/logout", ex -> {
            loggedOut.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(ex, 204, "");
        });
        oauth.start();
        String url = "http://127.0.0.1:" + oauth.getAddress().getPort();
        assertEquals(0, run(Map.of("AGENT_AUTH_PASSWORD", SECRET), "", "--server", url, "--username", "a"), err());
        assertEquals("login.access.token" + System.lineSeparator(), out());
        assertEquals("{\"refresh_token\":\"the-refresh-token\"}", loggedOut.get());
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Test
    void the_real_jar_prints_a_token_and_exits_1_with_one_line_on_a_wrong_secret() throws Exception {
        try (TestServer s = TestServer.start()) {
            s.createUser("agent-2", SECRET, "read");
            JarRun ok = jar(SECRET + "\n", "token", "--server", s.url(), "--username", "agent-2");
            assertEquals(0, ok.code(), ok.err());
            assertEquals("agent-2", TokenVerifier.forIssuer(s.url()).audience(s.url()).build()
                    .verify(ok.out().strip()).subject());
            JarRun refused = jar("wrong-secret-of-12+chars\n", "token", "--server", s.url(), "--username", "agent-2");
            assertEquals(1, refused.code(), refused.err());
            assertEquals("", refused.out());
            assertEquals(1, refused.err().lines().count(), refused.err());
            assertFalse(refused.err().contains("wrong-secret"), refused.err());
        }
    }

    private record JarRun(int code, String out, String err) {
    }

    /** {@code java -jar agent-auth.jar ARGS} with {@code stdin} and no AGENT_AUTH_PASSWORD. */
    private static JarRun jar(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", JarProcess.jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().remove("AGENT_AUTH_PASSWORD");
        Process p = b.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        var out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        String err = readAll(p.getErrorStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the token command did not exit in 60 s");
        }
        return new JarRun(p.exitValue(), out.get(), err);
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void against_the_real_server_the_token_verifies_and_no_refresh_family_is_left() {
        try (TestServer s = TestServer.start()) {
            s.createUser("agent-1", SECRET, "read", "write");
            int code = run(Map.of(), SECRET + "\n", "--server", s.url(), "--username", "agent-1", "--scope", "read");
            assertEquals(0, code, err());
            List<String> lines = out().lines().toList();
            assertEquals(1, lines.size());
            var claims = TokenVerifier.forIssuer(s.url()).audience(s.url()).build().verify(lines.get(0));
            assertEquals("agent-1", claims.subject());
            assertEquals(Set.of("read"), claims.scopes());
            long id = s.app().users().get("agent-1").id();
            var db = s.app().database();
            assertEquals(List.of(), db.read(c -> new SessionStore(db).liveFamiliesBeyond(c, id, Instant.now(), 0)));
        }
    }
}
