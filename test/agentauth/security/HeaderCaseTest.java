package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Jetty keeps the header fields a connection sent and reuses one when a later header matches it:
 * ignoring case, by default. A token that differs from one sent earlier on the same connection
 * only in the case of a letter was then read as the earlier token and accepted (found by
 * tampering with signatures: about 1 in 60 tokens has a lowercase letter where the flip landed).
 */
class HeaderCaseTest {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

    @AutoClose
    static final TestServer server = TestServer.start();

    @Test
    void a_token_differing_in_case_from_one_sent_before_on_the_connection_is_refused() throws IOException {
        server.createUser("case-agent", TestServer.secret("case-agent"), "read");
        String token = new Http(server.url()).login("case-agent", TestServer.secret("case-agent")).text("access_token");
        String signature = token.substring(token.lastIndexOf('.') + 1);
        int letter = token.lastIndexOf('.') + 1 + indexOfLetter(signature);
        char c = token.charAt(letter);
        String flipped = token.substring(0, letter)
            + (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c)) + token.substring(letter + 1);
        assertNotEquals(token, flipped);

        URI u = URI.create(server.url());
        try (Socket socket = new Socket(u.getHost(), u.getPort())) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) { // Jetty builds the connection's cache from the second request on
                send(socket, token, false);
                assertTrue(readAnswer(in).startsWith("HTTP/1.1 200"), "the real token works");
            }
            send(socket, flipped, true);
            String answer = readAnswer(in);
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
            assertTrue(answer.contains("invalid_token"), answer);
        }
    }

    private static int indexOfLetter(String s) {
        for (int i = 0; i < s.length() - 2; i++) if (Character.isLetter(s.charAt(i))) return i;
        throw new IllegalStateException("no letter in " + s);
    }

    private static void send(Socket socket, String token, boolean last) throws IOException {
        URI u = URI.create(server.url());
        String request = "GET /me HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort() + "\r\nAuthorization: Bearer " + token
            + "\r\n" + (last ? "Connection: close\r\n" : "") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** One answer: its head up to the blank line, then Content-Length bytes of body. */
    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("the connection closed after " + head);
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        Matcher m = CONTENT_LENGTH.matcher(text);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
