package agentauth;

import agentauth.http.Api;
import agentauth.http.Body;
import agentauth.http.BodyBuffer;
import agentauth.http.ProtocolErrors;
import agentauth.http.RequestScope;
import agentauth.http.Routes;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.Graceful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Javalin and Jetty as agent-auth runs them: on the socket bound already, with the route table. */
final class HttpServer {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /** How long a stop waits for requests in flight before it closes their connections. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private HttpServer() {}

    static Javalin create(Config config, Api api, ServerSocketChannel listener, RequestScope.Outcome outcome) {
        return Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.http.maxRequestSize = Body.MAX_BYTES;
            c.http.prefer405over404 = true;
            c.router.ignoreTrailingSlashes = false; // /admin must redirect to /admin/, not loop
            // A connection with no traffic for 30 s is closed. That alone does not stop a slow
            // upload (the timeout restarts with every byte): BodyBuffer holds bodies to a rate
            // and a deadline.
            // No per-connection header cache. Jetty's matched values ignoring case (a token
            // differing from an earlier one in a letter's case was read as the earlier token), and
            // made case-sensitive it cost a third of a /me: every request brings a new token, the
            // 1 KiB cache fills at the second one and is wiped (HeaderCaseTest, docs/performance.md).
            c.jetty.modifyHttpConfiguration(h -> {
                h.setIdleTimeout(30_000);
                h.setHeaderCacheSize(0);
            });
            // Requests Jetty rejects itself still get the contract's JSON error.
            c.jetty.modifyServer(server -> server.setErrorHandler(new ProtocolErrors()));
            // GracefulHandler counts the requests in flight, for stop(). Javalin nests its handler
            // inside the innermost wrapper: bodies arrive whole. RequestScope around the
            // buffering: a request whose body never came is counted too.
            c.jetty.modifyServer(server -> server.setHandler(new GracefulHandler(new RequestScope(new BodyBuffer(), outcome))));
            c.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                try {
                    connector.open(listener);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return connector;
            });
            Routes.install(c, api);
        });
    }

    /** Requests received and not yet answered (GracefulHandler counts them for the stop). */
    static long requestsInFlight(Javalin javalin) {
        GracefulHandler counter = javalin.jettyServer().server().getDescendant(GracefulHandler.class);
        return counter == null ? 0 : counter.getCurrentRequestCount();
    }

    /**
     * Stops accepting at once, gives requests in flight (a refresh whose rotation is committing)
     * up to STOP_TIMEOUT to answer, then stops, closing the connections of any still running. The
     * wait is ours rather than Jetty's: Jetty's logs a stack trace and throws when it runs out,
     * after it stopped all the same, and the caller would not close the database.
     */
    static void stop(Javalin javalin) {
        Server server = javalin.jettyServer().server();
        try {
            Graceful.shutdown(server).get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("stopping: requests still in flight after {}s are cut off", STOP_TIMEOUT.toSeconds());
        } catch (ExecutionException e) {
            log.warn("stopping: waiting for requests in flight failed ({}); stopping now", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.setStopTimeout(0); // waited above
        javalin.stop();
    }
}
