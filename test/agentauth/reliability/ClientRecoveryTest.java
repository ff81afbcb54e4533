package agentauth.reliability;

import agentauth.support.Sqlite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.client.AgentAuthClient;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The client library when the answer to its refresh is lost on the way back (a proxy drops it
 * after the server committed the rotation): with the retry window it gets the same answer again
 * and keeps its session; without, the retry is reuse and it recovers by logging in.
 */
class ClientRecoveryTest {
    static final String SECRET = "recovering-agent-secret";

    @Test
    void without_a_window_the_client_recovers_from_a_lost_refresh_answer_by_logging_in() throws Exception {
        try (TestServer server = TestServer.start("--refresh-retry-window", "0s");
             DroppingProxy proxy = new DroppingProxy(server.url())) {
            server.createUser("strict-client", SECRET, "read");
            refreshThroughDroppedAnswer(server, proxy, "strict-client", () -> {
                assertEquals(2, families(server, "strict-client"), "a second login");
                assertEquals("1", Sqlite.one(server.db(), "SELECT COUNT(*) FROM audit_events WHERE type = 'refresh_reuse' "
                    + "AND username = 'strict-client'"), "the retry counted as reuse and ended the first session");
            });
        }
    }

    @Test
    void with_a_window_the_client_keeps_its_session_after_a_lost_refresh_answer() throws Exception {
        try (TestServer server = TestServer.start("--refresh-retry-window", "60s");
             DroppingProxy proxy = new DroppingProxy(server.url())) {
            server.createUser("window-client", SECRET, "read");
            refreshThroughDroppedAnswer(server, proxy, "window-client", () -> {
                assertEquals(1, families(server, "window-client"), "no second login: the retry got the lost answer");
                assertEquals("0", Sqlite.one(server.db(), "SELECT COUNT(*) FROM families WHERE revoked_at IS NOT NULL"));
            });
        }
    }

    /**
     * Logs in, lets the access token age (client clock), refreshes with the answer dropped once,
     * checks the new access token works, then runs {@code checks} while the client still holds
     * its session (closing it logs out).
     */
    private static void refreshThroughDroppedAnswer(TestServer server, DroppingProxy proxy, String user, Runnable checks) {
        MutableClock clientClock = new MutableClock();
        try (AgentAuthClient client = AgentAuthClient.builder().server(proxy.url()).username(user).secret(SECRET)
                .clock(clientClock).build()) {
            String before = client.accessToken();
            clientClock.advance(Duration.ofMinutes(16)); // past the 15 min access TTL: the next call refreshes
            proxy.dropNextRefreshAnswer();
            String after = client.accessToken();
            assertTrue(proxy.dropped(), "the proxy dropped a refresh answer");
            assertNotEquals(before, after);
            Http.Response me = new Http(server.url()).get("/me", "Authorization", Http.bearer(after));
            assertEquals(200, me.status(), me.body());
            checks.run();
        }
    }

    private static int families(TestServer server, String user) {
        return Integer.parseInt(Sqlite.one(server.db(), "SELECT COUNT(*) FROM families f JOIN users u ON u.id = f.user_id "
            + "WHERE u.username = '" + user + "'"));
    }

    /** A TCP proxy in front of the server that can swallow the answer to one POST /refresh. */
    static final class DroppingProxy implements AutoCloseable {
        private final ServerSocket listener;
        private final int upstreamPort;
        private final AtomicBoolean armed = new AtomicBoolean(), dropped = new AtomicBoolean();

        DroppingProxy(String upstream) throws IOException {
            upstreamPort = java.net.URI.create(upstream).getPort();
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::acceptLoop, "proxy");
            accept.setDaemon(true);
            accept.start();
        }

        String url() {
            return "http://127.0.0.1:" + listener.getLocalPort();
        }

        void dropNextRefreshAnswer() {
            armed.set(true);
        }

        boolean dropped() {
            return dropped.get();
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                    AtomicBoolean dropThis = new AtomicBoolean();
                    pump(client, server, dropThis, true);
                    pump(server, client, dropThis, false);
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void pump(Socket from, Socket to, AtomicBoolean dropThis, boolean requests) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        if (requests && new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("POST /refresh ")
                            && armed.compareAndSet(true, false)) dropThis.set(true);
                        if (!requests && dropThis.get()) { // the server answered (so it committed): hang up instead
                            dropped.set(true);
                            from.close();
                            to.close();
                            return;
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // either side hung up
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
