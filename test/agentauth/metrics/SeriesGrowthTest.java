package agentauth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A scanner cannot grow the metrics (Hydra and a Keycloak metrics plugin let one create hundreds
 * of thousands of series): 10,000 requests to random paths, with random names, methods, grants,
 * client ids and request ids, add no series once each kind of answer has been seen.
 */
class SeriesGrowthTest {
    private static final int REQUESTS = 10_000;

    @Test
    void ten_thousand_random_requests_add_no_series() throws Exception {
        try (TestServer server = TestServer.start("--metrics-port", "0")) {
            Http http = new Http(server.url());
            Scraper metrics = new Scraper(server.app().metricsPort());
            for (int i = 0; i < 50; i++) randomRequest(http, i); // every kind once: its fixed series exist now
            Set<String> before = series(metrics.scrape());

            ExecutorService clients = Executors.newFixedThreadPool(4);
            try {
                var done = new java.util.ArrayList<Future<?>>();
                for (int t = 0; t < 4; t++) {
                    int offset = t;
                    done.add(clients.submit(() -> { for (int i = offset; i < REQUESTS; i += 4) randomRequest(http, i); }));
                }
                for (Future<?> f : done) f.get(10, TimeUnit.MINUTES);
            } finally {
                clients.shutdownNow();
            }

            Exposition after = metrics.scrape();
            assertEquals(before, series(after), "no series came or went");
            double counted = after.samples.stream().filter(s -> s.name().equals("agentauth_http_requests_total"))
                .mapToDouble(Exposition.Sample::value).sum();
            assertTrue(counted >= REQUESTS + 50, "every request was counted: " + counted);
        }
    }

    /** The agentauth_* series (the JVM's come from the JVM's own fixed names). */
    private static Set<String> series(Exposition e) {
        return e.samples.stream().filter(s -> s.name().startsWith("agentauth_")).map(Exposition.Sample::key)
            .collect(Collectors.toCollection(TreeSet::new));
    }

    /** One of the kinds of request a scanner sends, with fresh random parts each time. */
    private static void randomRequest(Http http, int i) {
        String r = Long.toHexString(ThreadLocalRandom.current().nextLong());
        String[] id = {"X-Request-Id", "scan-" + r, "X-Forwarded-For", "10." + (i % 250) + ".7." + (i % 200)};
        switch (i % 7) {
            case 0 -> http.get("/" + r + "/" + i + "?user=" + r, id);
            case 1 -> http.get("/admin/api/users/user-" + r, id);
            case 2 -> http.send("POST", "/admin/api/users/" + r + "/kill", null, null, id);
            case 3 -> http.postForm("/oauth/token", Http.form("grant_type", "grant-" + r, "client_id", r, "client_secret", r), id);
            case 4 -> http.postJson("/login", Http.json("username", "name-" + r), id); // no password: refused before hashing
            case 5 -> http.send(i % 2 == 0 ? "PUT" : "BREW" + (i % 3 == 0 ? "" : "X"), "/" + r, null, null, id);
            default -> http.send("DELETE", "/.well-known/" + r, null, null, id);
        }
    }
}
