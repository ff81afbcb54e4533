package agentauth.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The figures for docs/security.md, not a test: runs the jar as its own process with default
 * Argon2 settings, floods /login from 200 connections (wrong secrets, random names, random
 * addresses via a trusted proxy so the throttle does not shed the load) for a fixed time, while
 * one real agent logs in again and again. Prints the agent's latency percentiles, the answers
 * the flood got, and the server's peak resident memory (VmHWM). Loopback only; stops by itself.
 * With {@code -Dflood.trickle=300}, that many slow uploads ({@link SlowUploads}: Content-Length
 * 10000, one byte every 5 s, each replaced as soon as the server cuts it) run beside the flood.
 *
 * <p>Run: java -cp build/test-classes:agent-auth.jar agentauth.security.LoginFlood agent-auth.jar [seconds]
 */
public final class LoginFlood {
    private LoginFlood() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path dir = Files.createTempDirectory("login-flood");
        Path log = dir.resolve("server.log");
        // JVM options for the server (e.g. the launch command of docs/performance.md): -Dflood.jvm="-Xmx64m ..."
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String jvm = System.getProperty("flood.jvm", "").trim();
        if (!jvm.isEmpty()) command.addAll(List.of(jvm.split("\\s+")));
        command.addAll(List.of("-jar", jar.toString(), "--port", "0", "--db", dir.resolve("db").toString(),
            "--trusted-proxy", "127.0.0.1/32"));
        ProcessBuilder pb = new ProcessBuilder(command)
            .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("AGENT_AUTH_ADMIN_PASSWORD", "flood-admin-password");
        Process server = pb.start();
        try {
            String base = NoSecretsInLogsTest.waitFor(log, java.util.regex.Pattern.compile("App - agent-auth listening on"), server)
                .replaceAll("(?s).*App - agent-auth listening on ([0-9.]+:\\d+).*", "http://$1");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String[] refresh = {login(client, base)};
            List<Long> refreshMs = Collections.synchronizedList(new ArrayList<>());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            Map<Integer, AtomicInteger> floodAnswers = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(200);
            for (int i = 0; i < 200; i++) pool.submit(() -> {
                while (System.nanoTime() < until) {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    String name = "flood-" + Long.toHexString(r.nextLong());
                    String from = "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
                    int status = send(client, base, name, "wrong-secret-" + r.nextInt(), from);
                    floodAnswers.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                    if (status == 503) sleepQuietly(50); // a well-behaved client backs off a little; an attacker would not need to
                }
                return null;
            });
            int trickling = Integer.getInteger("flood.trickle", 0);
            SlowUploads uploads = trickling == 0 ? null
                : SlowUploads.start(base, "/login", trickling, 10_000, Duration.ofSeconds(5));
            List<Long> agent = Collections.synchronizedList(new ArrayList<>());
            Map<Integer, AtomicInteger> agentAnswers = new ConcurrentHashMap<>();
            Thread.sleep(2000); // let the flood build up first
            while (System.nanoTime() < until) {
                long t0 = System.nanoTime();
                int status = send(client, base, "admin", "flood-admin-password", "192.0.2.1");
                agent.add((System.nanoTime() - t0) / 1_000_000);
                agentAnswers.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
                long t1 = System.nanoTime();
                String next = refresh(client, base, refresh[0]);
                if (next != null) { refresh[0] = next; refreshMs.add((System.nanoTime() - t1) / 1_000_000); }
                Thread.sleep(200);
            }
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
            if (uploads != null) {
                System.out.printf("%d slow uploads beside it (%d open at the end): the server ended %d, %s%n", trickling,
                    uploads.open(), uploads.ended(), uploads.answers());
                uploads.close();
            }
            String status = Files.readString(Path.of("/proc/" + server.pid() + "/status"));
            String hwm = status.replaceAll("(?s).*VmHWM:\\s+(\\d+ kB).*", "$1");
            Collections.sort(agent);
            System.out.printf("flood %d s, 200 connections: answers %s%n", seconds, floodAnswers);
            System.out.printf("real agent: %d logins, answers %s, p50 %d ms, p99 %d ms, max %d ms%n", agent.size(), agentAnswers,
                pct(agent, 0.50), pct(agent, 0.99), agent.get(agent.size() - 1));
            Collections.sort(refreshMs);
            if (!refreshMs.isEmpty()) System.out.printf("real agent /refresh: %d ok, p50 %d ms, p99 %d ms%n", refreshMs.size(),
                pct(refreshMs, 0.50), pct(refreshMs, 0.99));
            System.out.println("server peak RSS (VmHWM): " + hwm);
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }

    static int send(HttpClient client, String base, String name, String secret, String from) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/login")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("X-Forwarded-For", from)
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + name + "\",\"password\":\"" + secret + "\"}")).build();
            return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static String login(HttpClient client, String base) throws Exception {
        // The agent works from one address, before the flood and during it.
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type", "application/json")
            .header("X-Forwarded-For", "192.0.2.1")
            .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"flood-admin-password\"}")).build();
        String body = client.send(req, HttpResponse.BodyHandlers.ofString()).body();
        return body.replaceAll("(?s).*\"refresh_token\":\"([^\"]+)\".*", "$1");
    }

    /** The successor refresh token, or null when the refresh failed. */
    static String refresh(HttpClient client, String base, String token) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/refresh")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"refresh_token\":\"" + token + "\"}")).build();
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body().replaceAll("(?s).*\"refresh_token\":\"([^\"]+)\".*", "$1") : null;
        } catch (Exception e) {
            return null;
        }
    }

    static long pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    static void sleepQuietly(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }
}
