package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 1: uploads that trickle one byte every few seconds neither hold the server's
 * threads nor keep their connections. Each is cut (408) once it falls behind the minimum body
 * rate, and the attacker opening a new one at once does not take the server down either.
 */
class SlowUploadTest {
    static final String SECRET = "trickle-agent-secret";
    static final int CONNECTIONS = 300;

    @Test
    void health_and_a_real_login_keep_working_beside_300_trickling_uploads() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.createUser("agent", SECRET, "read");
            // The bounds are safety nets for a loaded machine: a server whose threads the tricklers
            // held would not answer for hours (10,000 bytes at one byte every 2 s).
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
            try (SlowUploads attack = SlowUploads.start(server.url(), "/login", CONNECTIONS, 10_000, Duration.ofSeconds(2))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                int probes = 0, probesBesideTheFullAttack = 0;
                // Probe until the server has cut a whole wave of tricklers (each replaced at once).
                while (attack.ended() < CONNECTIONS || probes < 5) {
                    assertTrue(System.nanoTime() < deadline, "after 120 s the server had ended only " + attack.ended()
                        + " trickling uploads: " + attack.answers());
                    if (attack.open() >= CONNECTIONS * 5 / 6) probesBesideTheFullAttack++;
                    assertEquals(200, send(client, HttpRequest.newBuilder(URI.create(server.url() + "/health"))).statusCode());
                    HttpResponse<String> login = send(client, HttpRequest.newBuilder(URI.create(server.url() + "/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Http.json("username", "agent", "password", SECRET))));
                    assertEquals(200, login.statusCode(), login.body());
                    probes++;
                }
                assertTrue(probesBesideTheFullAttack >= 3, "probes with the attack at full strength: " + probesBesideTheFullAttack);
                Map<String, Integer> answers = attack.answers();
                assertTrue(answers.getOrDefault("HTTP/1.1 408 Request Timeout", 0) >= CONNECTIONS / 2, answers.toString());
                assertTrue(answers.keySet().stream().allMatch(a -> a.equals("closed") || a.startsWith("HTTP/1.1 408")), answers.toString());
                String sample = attack.samples().get(0);
                assertTrue(sample.contains("\"error\":\"request_timeout\""), sample);
            }
        }
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
