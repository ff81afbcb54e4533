import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the pieces bench/run.sh measured (build/bench/parts/) into the table and the JSON file,
 * and checks each against the targets of issue 7.
 *
 *   java -cp agent-auth.jar bench/Report.java PARTS_DIR RESULTS_JSON
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] ORDER = {"login_first", "refresh", "client_credentials", "login_repeat", "me", "introspect", "jwks"};

    private final Path parts;
    private final ObjectNode out = JSON.createObjectNode();
    private final List<String> lines = new ArrayList<>();

    private Report(Path parts) {
        this.parts = parts;
    }

    public static void main(String[] args) throws IOException {
        Report r = new Report(Path.of(args[0]));
        r.build();
        Files.writeString(Path.of(args[1]), JSON.writeValueAsString(r.out));
        r.lines.forEach(System.out::println);
        System.out.println("(also in " + args[1] + ")");
    }

    private void build() throws IOException {
        Map<String, String> machine = keyValues(parts.resolve("machine.txt"));
        out.set("machine", JSON.valueToTree(machine));
        int cores = Integer.parseInt(machine.get("cores"));
        Double hashMs = number("hash_ms.txt");
        Double ceiling = hashMs == null ? null : cores * 1000.0 / hashMs;
        if (hashMs != null) {
            out.put("argon2_ms", hashMs);
            out.put("argon2_ceiling_per_s", Math.round(ceiling));
        }
        lines.add("agent-auth benchmark, " + machine.get("date") + ": " + cores + " cores (" + machine.get("cpu") + "), "
            + machine.get("java") + "; load average " + machine.get("load_average_at_start") + " at the start, "
            + machine.get("load_average") + " at the end; nice " + machine.get("nice"));
        lines.add("store: " + machine.getOrDefault("store", "sqlite") + ", " + machine.getOrDefault("instances", "1") + " instance(s)");
        lines.add("server: java " + machine.get("java_opts") + " -jar agent-auth.jar; " + machine.get("connections")
            + " connections, " + machine.get("duration") + " per scenario");
        lines.add("");
        lines.add(String.format("%-19s %9s %8s %8s %8s %7s %8s %6s  %-26s %s", "scenario", "req/s", "p50 ms", "p90 ms",
            "p99 ms", "errors", "cpu ms/r", "cores", "target", "met"));
        ObjectNode scenarios = out.putObject("scenarios");
        String store = machine.getOrDefault("store", "sqlite");
        out.put("store", store);
        for (String name : ORDER) scenario(scenarios, name, ceiling, store);
        lines.add("");
        ObjectNode server = out.putObject("server");
        List<Double> cold = column("cold_start.txt", 0), coldCpu = column("cold_start.txt", 1);
        if (!cold.isEmpty()) {
            double median = median(cold);
            server.set("cold_start_ms_runs", JSON.valueToTree(cold));
            server.put("cold_start_ms_median", median);
            server.set("cold_start_cpu_s_runs", JSON.valueToTree(coldCpu));
            server.put("cold_start_cpu_s_median", median(coldCpu));
            check("cold start to first token", fmt(median) + " ms median (server CPU " + fmt(median(coldCpu)) + " s)",
                "<= 1200 ms", median <= 1200);
        }
        List<Double> plain = column("cold_start_no_archive.txt", 0), plainCpu = column("cold_start_no_archive.txt", 1);
        if (!plain.isEmpty()) {
            server.put("cold_start_no_archive_ms_median", median(plain));
            server.put("cold_start_no_archive_cpu_s_median", median(plainCpu));
            lines.add(String.format("%-26s %-36s", "  without the class archive", fmt(median(plain)) + " ms median (server CPU "
                + fmt(median(plainCpu)) + " s)"));
        }
        Double idle = number("rss_idle.txt"), peak = number("rss_peak.txt"), cpu = number("cpu_total.txt");
        if (idle != null) {
            server.put("rss_idle_mib", idle / 1024);
            check("RSS idle after start", fmt(idle / 1024) + " MiB", "<= 150 MiB", idle / 1024 <= 150);
        }
        if (peak != null) {
            server.put("rss_peak_mib", peak / 1024);
            check("RSS peak, whole run", fmt(peak / 1024) + " MiB", "<= 250 MiB", peak / 1024 <= 250);
        }
        if (cpu != null) server.put("cpu_seconds_total", cpu);
        long jar = Long.parseLong(machine.getOrDefault("jar_bytes", "0"));
        if (jar > 0) {
            server.put("jar_bytes", jar);
            check("jar size", fmt(jar / 1e6) + " MB", "<= 35 MB", jar <= 35_000_000L);
        }
        Map<String, String> verifier = keyValues(parts.resolve("verifier.txt"), " ");
        if (!verifier.isEmpty()) {
            double seen = Double.parseDouble(verifier.get("seen")), first = Double.parseDouble(verifier.get("first_seen"));
            ObjectNode v = out.putObject("token_verifier");
            v.put("seen_per_s_one_thread", Math.round(seen));
            v.put("first_seen_per_s_one_thread", Math.round(first));
            check("TokenVerifier, seen tokens", Math.round(seen) + "/s on one thread", ">= 100000/s", seen >= 100_000);
            lines.add(String.format("%-26s %-36s", "TokenVerifier, first seen", Math.round(first) + "/s on one thread (reported)"));
        }
        lines.add("cpu ms/r: server CPU time (user + system) per request; cores: server CPU time / wall time (wrk shares the cores);"
            + " db ms/r: PostgreSQL's CPU time per request");
        if (hashMs != null)
            lines.add("Argon2id: " + fmt(hashMs) + " ms per hash on one thread -> ceiling " + Math.round(ceiling) + " logins/s on " + cores + " cores");
    }

    private void scenario(ObjectNode scenarios, String name, Double ceiling, String store) throws IOException {
        Path skipped = parts.resolve("skipped-" + name + ".txt");
        if (Files.exists(skipped)) {
            scenarios.putObject(name).put("skipped", Files.readString(skipped).trim());
            lines.add(String.format("%-19s skipped: %s", name, Files.readString(skipped).trim()));
            return;
        }
        Path file = parts.resolve("scenario-" + name + ".json");
        if (!Files.exists(file)) return;
        JsonNode wrk = JSON.readTree(file.toFile());
        double seconds = wrk.get("duration_us").asDouble() / 1e6;
        double rps = wrk.get("requests").asDouble() / seconds;
        long errors = 0;
        for (JsonNode e : wrk.get("errors")) errors += e.asLong();
        JsonNode lat = wrk.get("latency_us");
        double p50 = lat.get("p50").asDouble() / 1000, p90 = lat.get("p90").asDouble() / 1000, p99 = lat.get("p99").asDouble() / 1000;
        Double cpu = number("cpu-" + name + ".txt");
        Double dbCpu = number("cpu-db-" + name + ".txt");
        Target t = switch (store) {
            case "sqlite" -> target(name, rps, p99, errors, ceiling);
            case "postgres" -> postgresTarget(name, rps, p99, errors);
            default -> new Target("(reported)", errors == 0);
        };
        ObjectNode s = scenarios.putObject(name);
        s.put("requests", wrk.get("requests").asLong());
        s.put("seconds", seconds);
        s.put("requests_per_s", Math.round(rps));
        s.put("p50_ms", p50);
        s.put("p90_ms", p90);
        s.put("p99_ms", p99);
        s.put("errors", errors);
        s.set("error_kinds", wrk.get("errors"));
        Double cpuPerRequest = cpu == null || wrk.get("requests").asLong() == 0 ? null : cpu * 1000 / wrk.get("requests").asDouble();
        if (cpu != null) {
            s.put("server_cpu_s", cpu);
            s.put("server_cores_used", cpu / seconds);
        }
        if (cpuPerRequest != null) s.put("server_cpu_ms_per_request", cpuPerRequest);
        s.put("target", t.text);
        s.put("met", t.met);
        lines.add(String.format("%-19s %9d %8s %8s %8s %7d %8s %6s  %-26s %s", name, Math.round(rps), fmt(p50), fmt(p90),
            fmt(p99), errors, cpuPerRequest == null ? "-" : String.format("%.3f", cpuPerRequest),
            cpu == null ? "-" : String.format("%.2f", cpu / seconds), t.text, t.met ? "yes" : "NO")
            + (dbCpu == null ? "" : String.format("  db %.3f ms/r", dbCpu * 1000 / Math.max(1, wrk.get("requests").asDouble()))));
        if (dbCpu != null) s.put("database_cpu_ms_per_request", dbCpu * 1000 / Math.max(1, wrk.get("requests").asDouble()));
    }

    private record Target(String text, boolean met) {}

    private static Target target(String name, double rps, double p99, long errors, Double ceiling) {
        return switch (name) {
            case "login_first" -> ceiling == null ? new Target("(ceiling unknown)", errors == 0)
                : new Target(">= " + Math.round(0.85 * ceiling) + "/s, p99 <= 500, 0 err",
                    rps >= 0.85 * ceiling && p99 <= 500 && errors == 0);
            case "refresh" -> new Target(">= 4000/s, p99 <= 25 ms", rps >= 4000 && p99 <= 25 && errors == 0);
            case "client_credentials", "login_repeat" -> new Target(">= 2000/s", rps >= 2000 && errors == 0);
            case "me" -> new Target(">= 10000/s", rps >= 10000 && errors == 0);
            case "introspect" -> new Target(">= 8000/s", rps >= 8000 && errors == 0);
            case "jwks" -> new Target(">= 20000/s", rps >= 20000 && errors == 0);
            default -> new Target("", true);
        };
    }

    /** Issue 15's targets for one instance on PostgreSQL on the same cores; the rest is reported. */
    private static Target postgresTarget(String name, double rps, double p99, long errors) {
        return switch (name) {
            case "refresh" -> new Target(">= 1500/s, p99 <= 50 ms", rps >= 1500 && p99 <= 50 && errors == 0);
            case "client_credentials" -> new Target(">= 3000/s", rps >= 3000 && errors == 0);
            default -> new Target("(reported)", errors == 0);
        };
    }

    private void check(String what, String value, String target, boolean met) {
        lines.add(String.format("%-26s %-36s %-12s %s", what, value, target, met ? "yes" : "NO"));
        ObjectNode server = (ObjectNode) out.get("server");
        (server.has("targets") ? (ObjectNode) server.get("targets") : server.putObject("targets")).put(what, met);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    /** Column {@code i} of a file of whitespace-separated numbers. */
    private List<Double> column(String name, int i) throws IOException {
        Path p = parts.resolve(name);
        List<Double> values = new ArrayList<>();
        if (!Files.exists(p)) return values;
        for (String l : Files.readAllLines(p)) {
            String[] f = l.trim().split("\\s+");
            if (f.length > i && !f[i].isEmpty()) values.add(Double.parseDouble(f[i]));
        }
        return values;
    }

    private Double number(String name) throws IOException {
        List<Double> all = numbers(name);
        return all.isEmpty() ? null : all.get(0);
    }

    private List<Double> numbers(String name) throws IOException {
        Path p = parts.resolve(name);
        List<Double> values = new ArrayList<>();
        if (!Files.exists(p)) return values;
        for (String l : Files.readAllLines(p)) if (!l.isBlank()) values.add(Double.parseDouble(l.trim()));
        return values;
    }

    private static Map<String, String> keyValues(Path p) throws IOException {
        return keyValues(p, "=");
    }

    private static Map<String, String> keyValues(Path p, String separator) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.exists(p)) return m;
        for (String l : Files.readAllLines(p)) {
            int eq = l.indexOf(separator);
            if (eq > 0) m.put(l.substring(0, eq), l.substring(eq + 1));
        }
        return m;
    }

    private static String fmt(double v) {
        return v >= 100 ? String.valueOf(Math.round(v)) : String.format("%.1f", v);
    }
}
