package agentauth.metrics;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The metrics listener: {@code GET /metrics} and nothing else, on its own address and port
 * (127.0.0.1 by default, as Keycloak keeps its management port apart).
 *
 * <p>A second Jetty server rather than a second connector on the API's: one there would answer
 * the API on the metrics port and /metrics on the API's unless every route checked the port,
 * and its scrapes would queue behind API requests on the same threads. A server of its own
 * costs a few threads and no classes the jar does not load anyway (the JDK's HttpServer would
 * add a second HTTP stack with its own timeouts, and is missing from some trimmed runtimes).
 */
public final class MetricsServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    private MetricsServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Binds {@code host:port} (0: a free port) and serves {@code registry}; throws if it cannot bind. */
    public static MetricsServer start(String host, int port, Registry registry) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(6, 1);
        threads.setName("metrics");
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory());
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);
        server.setHandler(new Scrape(registry));
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new MetricsServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping anyway: nothing holds state here
        }
    }

    /** Blocking (not NonBlocking): a gauge may read the database, so a scrape runs on a pool thread. */
    private static final class Scrape extends Handler.Abstract {
        private final Registry registry;

        Scrape(Registry registry) {
            this.registry = registry;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!Request.getPathInContext(request).equals("/metrics")) return plain(response, callback, 404, "not found\n");
            String method = request.getMethod();
            boolean head = HttpMethod.HEAD.is(method);
            if (!head && !HttpMethod.GET.is(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                return plain(response, callback, 405, "method not allowed\n");
            }
            byte[] body = registry.scrape();
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, TextFormat.CONTENT_TYPE);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
            return true;
        }

        private static boolean plain(Response response, Callback callback, int status, String text) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
