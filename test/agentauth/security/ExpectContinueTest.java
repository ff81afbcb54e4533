package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 13 item 8: a client that asks with {@code Expect: 100-continue} whether it may send a
 * body too large to accept is told 413 at once, not invited to send it.
 */
class ExpectContinueTest {
    @AutoClose
    static final TestServer server = TestServer.start();

    @BeforeAll
    static void createUser() {
        server.createUser("agent", "expect-agent-secret");
    }

    @ParameterizedTest(name = "POST {0}, Content-Length {1}, Expect: 100-continue -> {2} {3}")
    @CsvSource({"/login, 20000, 413, request_too_large", "/login, 5000000, 413, request_too_large",
        "/oauth/token, 20000, 400, invalid_request"})
    void a_too_large_body_is_refused_before_the_client_sends_it(String path, int length, int status, String error) throws Exception {
        try (Socket s = connect()) {
            send(s, "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + length
                + "\r\nExpect: 100-continue\r\n\r\n");
            String answer = readAnswer(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
            assertTrue(answer.contains("\"error\":\"" + error + "\""), answer);
        }
    }

    @Test
    void a_body_within_the_limit_is_invited_and_read() throws Exception {
        byte[] body = Http.json("username", "agent", "password", "expect-agent-secret").getBytes(StandardCharsets.UTF_8);
        try (Socket s = connect()) {
            send(s, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue", readLine(s.getInputStream()));
            s.getOutputStream().write(body);
            String rest = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(rest.contains("HTTP/1.1 200 "), rest);
        }
    }

    static Socket connect() throws IOException {
        URI u = URI.create(server.url());
        Socket s = new Socket(u.getHost(), u.getPort());
        s.setSoTimeout(30_000); // a safety net: the tests assert the answer that comes without the body
        return s;
    }

    static void send(Socket s, String head) throws IOException {
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** The status line, headers and as much of the body as Content-Length says. */
    static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (String line; !(line = readLine(in)).isEmpty(); ) head.append(line).append("\r\n");
        int length = Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        return head + "\r\n" + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) throw new IOException("closed after: " + line);
            if (b != '\r') line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
