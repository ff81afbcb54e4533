package agentauth;

import agentauth.net.Cidr;
import agentauth.store.postgres.PostgresUrl;
import agentauth.throttle.Throttling;
import agentauth.user.Hashing;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server's settings: validated once, immutable after start. */
public record Config(
        String host,
        int port,
        Path db,
        String issuer,              // null: derived from host and the bound port
        Duration accessTtl,
        Duration refreshTtl,
        Duration adminSessionTtl,
        Duration refreshRetryWindow,
        List<String> resources,
        List<Cidr> trustedProxies,
        Throttling throttling,
        Hashing hashing,
        Duration auditRetention,
        boolean durable,
        boolean resetSigningKeys,
        Duration keyRotation,       // null: off
        Duration keyPublishAhead,
        PostgresUrl postgres,       // null: the SQLite file db
        int dbPoolSize,
        String instanceId,
        Map<String, List<String>> given, // the server flags given on the command line or in the environment, as given
        Observability observability,
        Policy policy,
        Dpop dpop) {

    /** DPoP (RFC 9449, contract D): the mode, how old a proof may be, and whether proofs need a server nonce. */
    public record Dpop(DpopMode mode, Duration iatWindow, boolean nonceRequired) {}

    public enum DpopMode { OFF, OPTIONAL, REQUIRED }

    /**
     * Per-agent policy (contract C): the most an agent's own TTLs may be, whether every agent
     * needs an owner, and after how long unused agents are disabled (null: never).
     */
    public record Policy(Duration maxAccessTtl, Duration maxRefreshTtl, boolean requireOwner, Duration disableInactiveAfter) {}

    public enum LogFormat { TEXT, JSON }

    /**
     * Metrics, logs: {@code metricsPort} null when the metrics listener is off (0 picks a free
     * port); {@code accessLog} adds a line per request.
     */
    public record Observability(Integer metricsPort, String metricsHost, LogFormat logFormat, boolean accessLog) {}

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

    /** Builds the server's config from its command line and environment. */
    public static Config parse(List<String> args, Map<String, String> env) {
        Flags.Parsed p = Flags.parse(args, Flags.SERVER);
        if (!p.words().isEmpty()) throw new ConfigException("unexpected argument '" + p.words().get(0) + "' (see --help)");
        return from(p, env);
    }

    /**
     * Builds the config from the server flags of a parsed command line (a subcommand's own flags
     * are ignored) over the environment; throws ConfigException naming the flag or variable the
     * bad value came from.
     */
    public static Config from(Flags.Parsed parsed, Map<String, String> env) {
        Reader r = new Reader(parsed.values(), env);
        String host = r.string("host");
        String issuer = r.optional("issuer");
        if (issuer != null) issuer = validIssuer(r.source("issuer"), issuer);
        else if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]"))
            throw new ConfigException("--issuer is required when " + r.source("host") + " is a wildcard address (" + host + ")");
        Duration window = r.duration("refresh-retry-window");
        if (window.compareTo(Duration.ofSeconds(300)) > 0)
            throw new ConfigException(r.source("refresh-retry-window") + " must be at most 300s");
        List<String> resources = r.all("resource").stream().map(s -> validResource(r.source("resource"), s)).toList();
        List<Cidr> proxies = r.all("trusted-proxy").stream().map(s -> {
            try { return Cidr.parse(s); }
            catch (IllegalArgumentException e) { throw new ConfigException(r.source("trusted-proxy") + ": " + e.getMessage()); }
        }).toList();
        int cores = Runtime.getRuntime().availableProcessors();
        String db = r.string("db");
        PostgresUrl postgres = null;
        if (PostgresUrl.isPostgres(db)) {
            try { postgres = PostgresUrl.parse(db); }
            catch (IllegalArgumentException e) { throw new ConfigException(e.getMessage()); }
        }
        return new Config(host, r.integer("port", 0, 65535), postgres == null ? Path.of(db) : null, issuer,
            r.positive("access-ttl"), r.positive("refresh-ttl"), r.positive("admin-session-ttl"), window,
            resources, proxies,
            new Throttling(r.integer("throttle-failures", 1, 1_000_000), r.integer("throttle-name-failures", 1, 1_000_000),
                r.positive("throttle-window"), r.integer("throttle-address-failures", 1, 1_000_000),
                r.integer("throttle-address-names", 1, 1_000), r.positive("throttle-address-window"),
                r.positive("throttle-delay"), r.positive("throttle-max-delay")),
            new Hashing(r.integer("argon2-memory", 8, 4 * 1024 * 1024), r.integer("argon2-iterations", 1, 100),
                r.integer("argon2-parallelism", 1, 64),
                r.optional("hash-concurrency") != null ? r.integer("hash-concurrency", 1, 1024) : cores,
                r.integer("hash-queue", 0, 100_000)),
            r.positive("audit-retention"), r.bool("durable"), r.bool("reset-signing-keys"),
            keyRotation(r), r.positive("key-publish-ahead"), postgres, r.integer("db-pool-size", 1, 1000),
            instanceId(r.optional("instance-id")), r.given(), observability(r), policy(r), dpop(r));
    }

    private static Policy policy(Reader r) {
        Duration maxAccess = r.positive("max-access-ttl"), maxRefresh = r.positive("max-refresh-ttl");
        for (String flag : List.of("max-access-ttl", "max-refresh-ttl"))
            if (r.positive(flag).compareTo(agentauth.user.PolicyRules.MIN_TTL) < 0)
                throw new ConfigException(r.source(flag) + " must be at least 60s (the least TTL an agent may be given)");
        String inactive = r.optional("disable-inactive-after");
        Duration after = inactive == null || inactive.equals("off") ? null : r.positive("disable-inactive-after");
        return new Policy(maxAccess, maxRefresh, r.bool("require-owner"), after);
    }

    private static Dpop dpop(Reader r) {
        String mode = r.string("dpop"), nonce = r.string("dpop-nonce");
        if (!List.of("off", "optional", "required").contains(mode))
            throw new ConfigException(r.source("dpop") + " must be off, optional or required, got '" + mode + "'");
        if (!nonce.equals("off") && !nonce.equals("required"))
            throw new ConfigException(r.source("dpop-nonce") + " must be off or required, got '" + nonce + "'");
        Duration window = r.positive("dpop-iat-window");
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofMinutes(10)) > 0)
            throw new ConfigException(r.source("dpop-iat-window") + " must be between 1s and 10m");
        return new Dpop(DpopMode.valueOf(mode.toUpperCase(Locale.ROOT)), window, nonce.equals("required"));
    }

    private static Observability observability(Reader r) {
        Integer port = r.optional("metrics-port") == null ? null : r.integer("metrics-port", 0, 65535);
        String format = r.string("log-format");
        if (!format.equals("text") && !format.equals("json"))
            throw new ConfigException(r.source("log-format") + " must be text or json, got '" + format + "'");
        return new Observability(port, r.string("metrics-host"), LogFormat.valueOf(format.toUpperCase(Locale.ROOT)),
            r.bool("access-log"));
    }

    public LogFormat logFormat() {
        return observability.logFormat();
    }

    /** --key-rotation: a duration or off; and a publish-ahead verifiers can follow (contract F). */
    private static Duration keyRotation(Reader r) {
        Duration rotation = r.string("key-rotation").equals("off") ? null : r.positive("key-rotation");
        String problem = agentauth.token.KeyRotation.problem(rotation, r.positive("key-publish-ahead"));
        if (problem != null) throw new ConfigException(problem);
        return rotation;
    }

    /**
     * This config with some flags' values replaced (the shared settings a database holds), as if
     * they had been given; the rest as given before.
     */
    public Config with(Map<String, List<String>> values) {
        Map<String, List<String>> merged = new java.util.LinkedHashMap<>(given);
        merged.putAll(values);
        Config c = from(new Flags.Parsed(List.of(), merged), Map.of());
        return new Config(c.host, c.port, c.db, c.issuer, c.accessTtl, c.refreshTtl, c.adminSessionTtl, c.refreshRetryWindow,
            c.resources, c.trustedProxies, c.throttling, c.hashing, c.auditRetention, c.durable, c.resetSigningKeys,
            c.keyRotation, c.keyPublishAhead, c.postgres, c.dbPoolSize, instanceId, given, // given: what the operator gave
            observability, c.policy, c.dpop);
    }

    /** The default instance id: the host's name and this process's id. */
    private static String instanceId(String given) {
        if (given != null) return given;
        // Not InetAddress.getLocalHost(): it may wait for a DNS lookup at every start.
        String host = System.getenv("HOSTNAME");
        try {
            if (host == null) host = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** Where the data lives, for messages: the SQLite file or the PostgreSQL URL (never a password). */
    public String describeDb() {
        return postgres != null ? postgres.toString() : db.toString();
    }

    public static Config defaults() {
        return parse(List.of(), Map.of());
    }

    /** The issuer for a server bound to {@code boundPort}. */
    public String issuerFor(int boundPort) {
        if (issuer != null) return issuer;
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "http://" + h + ":" + boundPort;
    }

    /** A duration like 500ms, 90s, 15m, 12h or 30d (a bare number: seconds). */
    public static Duration parseDuration(String s) {
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) throw new IllegalArgumentException("'" + s + "' is not a duration like 500ms, 90s, 15m, 12h or 30d");
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static String validIssuer(String source, String s) {
        URI u = uri(source, s);
        if (u.getQuery() != null || u.getFragment() != null)
            throw new ConfigException(source + " must not have a query or fragment (RFC 8414 §2)");
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String validResource(String source, String s) {
        URI u = uri(source, s);
        if (u.getFragment() != null) throw new ConfigException(source + " must not have a fragment (RFC 8707 §2)");
        return s;
    }

    private static URI uri(String flag, String s) {
        try {
            URI u = new URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null)
                throw new ConfigException(flag + " must be an absolute http(s) URL, got '" + s + "'");
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(flag + " is not a URL: '" + s + "'");
        }
    }

    /**
     * Typed access to the values: a flag given on the command line, else its environment
     * variable, else its default. Every failure names where the value came from.
     */
    private record Reader(Map<String, List<String>> flags, Map<String, String> env) {
        List<String> all(String name) {
            List<String> given = flags.get(name);
            if (given != null) return given;
            String fromEnv = env.get(Flags.find(name).env());
            return fromEnv == null || fromEnv.isEmpty() ? List.of() : List.of(fromEnv);
        }

        /** Every server flag given on the command line or in the environment, with its values. */
        Map<String, List<String>> given() {
            Map<String, List<String>> out = new java.util.LinkedHashMap<>();
            for (Flags.Flag f : Flags.SERVER) if (!all(f.name()).isEmpty()) out.put(f.name(), List.copyOf(all(f.name())));
            return java.util.Collections.unmodifiableMap(out);
        }

        /** "--name", or the variable when the value came from the environment. */
        String source(String name) {
            return flags.containsKey(name) || all(name).isEmpty() ? "--" + name : Flags.find(name).env();
        }

        String optional(String name) {
            List<String> l = all(name);
            return l.isEmpty() ? null : l.get(0);
        }

        String string(String name) {
            String s = optional(name);
            if (s == null) s = Flags.find(name).defaultValue();
            if (s == null || s.isBlank()) throw new ConfigException(source(name) + " must not be empty");
            return s;
        }

        int integer(String name, int min, int max) {
            String s = string(name);
            try {
                int n = Integer.parseInt(s.trim());
                if (n < min || n > max)
                    throw new ConfigException(source(name) + " must be between " + min + " and " + max + ", got " + n);
                return n;
            } catch (NumberFormatException e) {
                throw new ConfigException(source(name) + " must be a whole number, got '" + s + "'");
            }
        }

        Duration duration(String name) {
            try { return parseDuration(string(name)); }
            catch (IllegalArgumentException e) { throw new ConfigException(source(name) + ": " + e.getMessage()); }
        }

        Duration positive(String name) {
            Duration d = duration(name);
            if (d.isZero()) throw new ConfigException(source(name) + " must be more than 0");
            return d;
        }

        boolean bool(String name) {
            String s = optional(name);
            if (s == null) return false;
            if (s.equals("true") || s.equals("1")) return true;
            if (s.equals("false") || s.equals("0")) return false;
            throw new ConfigException(source(name) + " must be true or false, got '" + s + "'");
        }
    }
}
