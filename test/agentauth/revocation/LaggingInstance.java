package agentauth.revocation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP proxy on 127.0.0.1 in front of a server's {@code GET /revocations}, as a load
 * balancer would be: it passes each request on (with its {@code If-None-Match}) and records
 * every list it passed back, by version. Told to {@link #lagAt(long)}, it answers as an instance
 * that missed every change since that version would: with the list recorded then.
 */
final class LaggingInstance implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A list as the server answered it. */
    record Recorded(byte[] body, String etag, String cacheControl) {}

    private final String target;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final Map<Long, Recorded> recorded = new ConcurrentHashMap<>();
    private final AtomicInteger lagged = new AtomicInteger();
    private volatile Long lagAt; // null: passes requests on

    LaggingInstance(String target) {
        this.target = target;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/revocations", this::revocations);
        server.start();
    }

    /** The list's URL through this proxy. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/revocations";
    }

    /** From now on, answers with the list of {@code version} (which must have been passed on before). */
    void lagAt(long version) {
        if (!recorded.containsKey(version)) throw new IllegalStateException("no list of version " + version + " passed");
        lagAt = version;
    }

    /** How many answers came from the lagging list. */
    int lagged() {
        return lagged.get();
    }

    Recorded recorded(long version) {
        return recorded.get(version);
    }

    private void revocations(HttpExchange exchange) throws IOException {
        try (exchange) {
            Long old = lagAt;
            if (old != null) {
                lagged.incrementAndGet();
                Recorded r = recorded.get(old);
                boolean same = r.etag().equals(exchange.getRequestHeaders().getFirst("If-None-Match"));
                answer(exchange, same ? 304 : 200, same ? null : r.body(), r.etag(), r.cacheControl());
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + "/revocations"));
            String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
            if (ifNoneMatch != null) b.header("If-None-Match", ifNoneMatch);
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            String etag = r.headers().firstValue("ETag").orElse(null);
            String cacheControl = r.headers().firstValue("Cache-Control").orElse(null);
            if (r.statusCode() == 200)
                recorded.put(JSON.readTree(r.body()).get("version").asLong(), new Recorded(r.body(), etag, cacheControl));
            answer(exchange, r.statusCode(), r.statusCode() == 304 ? null : r.body(), etag, cacheControl);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, byte[] body, String etag, String cacheControl)
            throws IOException {
        if (etag != null) exchange.getResponseHeaders().set("ETag", etag);
        if (cacheControl != null) exchange.getResponseHeaders().set("Cache-Control", cacheControl);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
