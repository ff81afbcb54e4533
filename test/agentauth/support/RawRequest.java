package agentauth.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request over a plain socket, for what a client library hides: a body sent in two
 * parts (a request still in flight) and a connection dropped before the answer was read.
 */
public final class RawRequest implements AutoCloseable {
    private final Socket socket;
    private final byte[] body;

    /** Connects and sends the headers of a JSON POST; the body follows with {@link #send}. */
    public RawRequest(String baseUrl, String path, String json) {
        URI u = URI.create(baseUrl);
        body = json.getBytes(StandardCharsets.UTF_8);
        try {
            socket = new Socket(u.getHost(), u.getPort());
            socket.setSoTimeout(30_000);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the body from {@code from} up to {@code to} (exclusive). */
    public RawRequest send(int from, int to) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(body, from, to - from);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawRequest sendAll() {
        return send(0, body.length);
    }

    public int length() {
        return body.length;
    }

    /** Waits for the first byte of the answer (the server has handled the request), then hangs up. */
    public void dropAfterFirstByte() {
        try {
            if (socket.getInputStream().read() < 0) throw new IllegalStateException("no answer at all");
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the whole answer: status line, headers and body, as text. */
    public String answer() {
        try (InputStream in = socket.getInputStream()) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Sends {@code request} as it is (request line, headers, body) and returns the whole answer as text. */
    public static String exchange(String baseUrl, String request) {
        URI u = URI.create(baseUrl);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            s.getInputStream().transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
