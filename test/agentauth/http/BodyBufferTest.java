package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Bodies are read whole before a handler runs, at a minimum rate and within a deadline. */
class BodyBufferTest {
    @AutoClose
    static final TestServer server = TestServer.start();

    /** A client sending slowly on purpose: its pauses are what the server must bound. */
    @Test
    void a_body_that_keeps_the_minimum_rate_is_still_cut_at_the_deadline() throws Exception {
        byte[] body = new byte[16_000];
        Arrays.fill(body, (byte) ' ');
        long start = System.nanoTime();
        try (Socket s = connect("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n")) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int sent = 0; sent < body.length; sent += 1280) { // 1.25 KiB/s: above the rate, 12 s in all
                        out.write(body, sent, Math.min(1280, body.length - sent));
                        out.flush();
                        Thread.sleep(1000);
                    }
                } catch (IOException | InterruptedException e) {
                    // cut off by the server: what this test expects
                }
            });
            writer.setDaemon(true);
            writer.start();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            long seconds = (System.nanoTime() - start) / 1_000_000_000;
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.contains("\"error\":\"request_timeout\""), answer);
            assertTrue(seconds >= BodyBuffer.DEADLINE.toSeconds() - 1, "cut by the deadline, not the rate, after " + seconds + " s");
        }
    }

    @Test
    void a_body_that_pauses_within_the_grace_is_read_whole() throws Exception {
        String json = Http.json("username", "nobody", "password", "wrong-secret-123");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        try (Socket s = connect("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n")) {
            s.getOutputStream().write(bytes, 0, 10);
            s.getOutputStream().flush();
            Thread.sleep(BodyBuffer.GRACE.toMillis() / 4); // a slow client, well within the grace even if the sleep runs long
            s.getOutputStream().write(bytes, 10, bytes.length - 10);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
            assertTrue(answer.contains("\"error\":\"invalid_client\""), answer);
        }
    }

    static Socket connect(String head) {
        URI u = URI.create(server.url());
        try {
            Socket s = new Socket(u.getHost(), u.getPort());
            s.setSoTimeout(30_000);
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
