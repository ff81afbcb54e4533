package agentauth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 with the agent endpoints' wire behaviour (rotation, reuse
 * refused, logout), plus canned answers a test queues up to provoke what the real server only
 * does under stress (503, 429 with Retry-After, garbage). The client tests that need the real
 * server's rules run against it instead (AgentAuthClientServerTest).
 */
final class ScriptedAuthServer implements AutoCloseable {
    /** A canned answer, used once by the next request to /login or /refresh. */
    record Canned(int status, Map<String, String> headers, String body) {
    }

    private final HttpServer server;
    final ConcurrentLinkedQueue<Canned> canned = new ConcurrentLinkedQueue<>();
    final AtomicInteger logins = new AtomicInteger();
    final AtomicInteger refreshes = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final List<String> loggedOut = new ArrayList<>();
    final List<String> loginBodies = new ArrayList<>();
    final Set<String> liveRefreshTokens = ConcurrentHashMap.newKeySet();
    final List<String> issuedTokens = new ArrayList<>();
    volatile long expiresIn = 100;
    volatile long refreshExpiresIn = 3600;
    volatile CountDownLatch loginGate = new CountDownLatch(0);
    volatile String rejectAtService;   // the access token /service answers 401 to

    ScriptedAuthServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/login", ex -> handle(ex, true));
        server.createContext("/refresh", ex -> handle(ex, false));
        server.createContext("/logout", this::logout);
        server.createContext("/service", this::service);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void queue(int status, Map<String, String> headers, String body) {
        canned.add(new Canned(status, headers, body));
    }

    private void handle(HttpExchange ex, boolean login) throws IOException {
        requests.incrementAndGet();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (login) {
            try {
                loginGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Canned c = canned.poll();
        if (c != null) {
            c.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            reply(ex, c.status(), c.body());
            return;
        }
        JsonNode json = TestKey.JSON.readTree(body);
        if (login) {
            synchronized (this) {
                loginBodies.add(body);
            }
            logins.incrementAndGet();
        } else {
            if (!liveRefreshTokens.remove(json.path("refresh_token").asText())) {
                reply(ex, 401, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token not valid\"}");
                return;
            }
            refreshes.incrementAndGet();
        }
        reply(ex, 200, tokens());
    }

    private synchronized String tokens() throws IOException {
        String access = "at-" + UUID.randomUUID();
        String refresh = "rt-" + UUID.randomUUID();
        issuedTokens.add(access);
        issuedTokens.add(refresh);
        liveRefreshTokens.add(refresh);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("access_token", access);
        r.put("token_type", "Bearer");
        r.put("expires_in", expiresIn);
        r.put("refresh_token", refresh);
        r.put("refresh_expires_in", refreshExpiresIn);
        r.put("scope", "read");
        return TestKey.JSON.writeValueAsString(r);
    }

    private void logout(HttpExchange ex) throws IOException {
        String token = TestKey.JSON.readTree(ex.getRequestBody().readAllBytes()).path("refresh_token").asText();
        synchronized (this) {
            loggedOut.add(token);
        }
        liveRefreshTokens.remove(token);
        ex.sendResponseHeaders(204, -1);
        ex.close();
    }

    private void service(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        boolean ok = auth != null && auth.startsWith("Bearer at-") && !auth.equals("Bearer " + rejectAtService);
        reply(ex, ok ? 200 : 401, ok ? "hello" : "{\"error\":\"invalid_token\"}");
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        loginGate.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
