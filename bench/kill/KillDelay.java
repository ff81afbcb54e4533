import agentauth.client.InvalidTokenException;
import agentauth.client.TokenVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kill switch's delay (issue 16): from the moment an admin sends
 * {@code POST /admin/api/users/{name}/kill} to the first refusal of the agent's unexpired token
 * by a {@link TokenVerifier} with its default settings (it polls the list every {@code max_age},
 * 5 s, the server re-reads its database at most once a second), over KILLS kills of fresh
 * agents. Each kill comes a random 0-5 s after the agent was accepted, so kills fall at every
 * phase of the poll (back-to-back kills would all land at one phase).
 *
 *   java -cp build/bench-kill/classes:agent-auth-client.jar KillDelay ISSUER_URL ADMIN_PASSWORD KILLS
 *
 * Prints each delay in milliseconds, then min, median, p90 and max.
 */
public final class KillDelay {
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final String SECRET = "kill-bench-agent-secret";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String admin;

    private KillDelay(String base, String adminPassword) throws Exception {
        this.base = base;
        this.admin = login("admin", adminPassword);
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int kills = Integer.parseInt(args[2]);
        KillDelay bench = new KillDelay(base, args[1]);
        List<Long> delays = new ArrayList<>();
        try (TokenVerifier verifier = TokenVerifier.forIssuer(base).audience(base).build()) { // the defaults
            for (int i = 1; i <= kills; i++) {
                long ms = bench.killOnce(verifier, "kill-bench-" + i);
                delays.add(ms);
                System.out.printf("kill %2d: refused after %5d ms%n", i, ms);
            }
        }
        delays.sort(null);
        System.out.printf("kill-to-refusal over %d kills (ms): min %d  median %d  p90 %d  max %d%n", kills,
            delays.get(0), percentile(delays, 50), percentile(delays, 90), delays.get(delays.size() - 1));
    }

    /** One agent: logged in, accepted, then killed; returns the milliseconds until the verifier refused it. */
    private long killOnce(TokenVerifier verifier, String name) throws Exception {
        send("POST", "/admin/api/users", admin, "{\"username\":\"" + name + "\",\"password\":\"" + SECRET
            + "\",\"scopes\":[\"read\"]}", 201);
        String token = login(name, SECRET);
        verifier.verify(token); // accepted: the verifier has the list from before the kill
        Thread.sleep(ThreadLocalRandom.current().nextLong(5000)); // a random phase of the 5 s poll
        long start = System.nanoTime();
        send("POST", "/admin/api/users/" + name + "/kill", admin, null, 200);
        while (true) {
            try {
                verifier.verify(token);
            } catch (InvalidTokenException refused) {
                if (refused.reason() != InvalidTokenException.Reason.REVOKED) throw refused;
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(1); // the measurement's resolution
        }
    }

    private String login(String name, String secret) throws Exception {
        String body = send("POST", "/login", null, "{\"username\":\"" + name + "\",\"password\":\"" + secret + "\"}", 200);
        Matcher m = ACCESS_TOKEN.matcher(body);
        if (!m.find()) throw new IllegalStateException("no access token in the login answer of " + name);
        return m.group(1);
    }

    private String send(String method, String path, String bearer, String json, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method,
            json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        return r.body();
    }

    /** Nearest-rank percentile of a sorted list. */
    private static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
