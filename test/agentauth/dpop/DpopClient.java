package agentauth.dpop;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** An agent of the tests: logs in and refreshes with DPoP proofs from its {@link ProofMaker}. */
final class DpopClient {
    static final String SECRET = "agent-secret-for-dpop-tests";

    final TestServer server;
    final Http http;
    final ProofMaker key;

    DpopClient(TestServer server, ProofMaker key) {
        this.server = server;
        this.http = new Http(server.url());
        this.key = key;
    }

    String htu(String path) {
        return server.url() + path;
    }

    Http.Response login(String user) {
        return http.postJson("/login", Http.json("username", user, "password", SECRET), "DPoP", key.proof("POST", htu("/login"), null));
    }

    Http.Response refresh(String refreshToken) {
        return http.postJson("/refresh", Http.json("refresh_token", refreshToken), "DPoP", key.proof("POST", htu("/refresh"), null));
    }

    Http.Response me(String accessToken) {
        return http.get("/me", "Authorization", "DPoP " + accessToken, "DPoP", key.proof("GET", htu("/me"), accessToken));
    }

    /**
     * A POST over a plain socket with the Host header given (the JDK's client will not set it);
     * returns the status code.
     */
    static int postWithHost(String base, String path, String host, String dpop, String json) {
        URI u = URI.create(base);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(u.getHost(), u.getPort())) {
            socket.setSoTimeout(30_000);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nDPoP: " + dpop
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(answer);
            String status = answer.toString(StandardCharsets.ISO_8859_1);
            return Integer.parseInt(status.substring(9, 12));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
