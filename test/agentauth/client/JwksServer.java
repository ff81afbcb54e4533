package agentauth.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 that publishes a JWKS and RFC 8414 metadata like agent-auth
 * does, and counts how often each is fetched; with {@link #revocations} set, also a revocation
 * list (advertised in the metadata) that answers 304 to a matching {@code If-None-Match}.
 */
final class JwksServer implements AutoCloseable {
    private final HttpServer server;
    final AtomicInteger jwksFetches = new AtomicInteger();
    final AtomicInteger metadataFetches = new AtomicInteger();
    volatile List<TestKey> keys;
    volatile String cacheControl = "max-age=300";
    volatile int jwksStatus = 200;
    /** The revocation list's body, or null for none (not advertised); its ETag is derived from it. */
    volatile String revocations;
    volatile int revocationsStatus = 200;
    final AtomicInteger revocationFetches = new AtomicInteger();
    final AtomicInteger revocationNotModified = new AtomicInteger();
    final AtomicInteger revocationFailures = new AtomicInteger();
    final List<String> revocationBodiesServed = new java.util.concurrent.CopyOnWriteArrayList<>();

    private JwksServer(List<TestKey> keys) throws IOException {
        this.keys = keys;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/.well-known/jwks.json", this::jwks);
        server.createContext("/.well-known/oauth-authorization-server", this::metadata);
        server.createContext("/revocations", this::revocations);
        // threads, so a handler may itself fetch from this server (a service verifying tokens)
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    static JwksServer start(TestKey... keys) throws IOException {
        return new JwksServer(List.of(keys));
    }

    /** Serves another path from the same server (a token endpoint, a protected service). */
    void handle(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String jwksUrl() {
        return url() + "/.well-known/jwks.json";
    }

    private void jwks(HttpExchange ex) throws IOException {
        jwksFetches.incrementAndGet();
        List<Map<String, Object>> list = new ArrayList<>();
        for (TestKey k : keys) {
            list.add(k.jwk());
        }
        ex.getResponseHeaders().set("Cache-Control", cacheControl);
        reply(ex, jwksStatus, TestKey.JSON.writeValueAsString(Map.of("keys", list)));
    }

    private void metadata(HttpExchange ex) throws IOException {
        metadataFetches.incrementAndGet();
        Map<String, Object> metadata = new java.util.HashMap<>(Map.of("issuer", url(), "jwks_uri", jwksUrl()));
        if (revocations != null) {
            metadata.put("agent_auth_revocations_uri", url() + "/revocations");
        }
        reply(ex, 200, TestKey.JSON.writeValueAsString(metadata));
    }

    private void revocations(HttpExchange ex) throws IOException {
        revocationFetches.incrementAndGet();
        String body = revocations;
        if (revocationsStatus != 200 || body == null) {
            revocationFailures.incrementAndGet();
            reply(ex, revocationsStatus != 200 ? revocationsStatus : 404, "{\"error\":\"temporarily_unavailable\"}");
            return;
        }
        String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
        ex.getResponseHeaders().set("ETag", etag);
        ex.getResponseHeaders().set("Cache-Control", "max-age=5");
        if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
            revocationNotModified.incrementAndGet();
            ex.sendResponseHeaders(304, -1);
            ex.close();
            return;
        }
        revocationBodiesServed.add(body);
        reply(ex, 200, body);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
