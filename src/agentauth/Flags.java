package agentauth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line's one parser, and the server's flags, each with its environment variable and
 * default. Subcommands parse their own options and the server flags they pass through (such as
 * {@code --db}) with the same {@link #parse}, so every command reads "--name value",
 * "--name=value" and switches alike. One table for the server, so --help, parsing and
 * validation cannot drift apart.
 */
public final class Flags {
    /** A flag: a switch takes no value; a repeatable one may be given more than once. */
    public record Flag(String name, String defaultValue, boolean repeatable, boolean isSwitch, String help) {
        /** A subcommand's option that takes a value. */
        public static Flag option(String name, boolean repeatable) {
            return new Flag(name, null, repeatable, false, null);
        }

        /** A subcommand's switch. */
        public static Flag toggle(String name) {
            return new Flag(name, null, false, true, null);
        }

        String env() { return "AGENT_AUTH_" + name.toUpperCase(Locale.ROOT).replace('-', '_'); }
    }

    /** A parsed command line: the words that are not flags, in order, and each flag's values. */
    public record Parsed(List<String> words, Map<String, List<String>> values) {
        public List<String> all(String name) {
            return values.getOrDefault(name, List.of());
        }

        /** The one word a command takes, or null when none was given; a second is an error. */
        public String word() {
            if (words.size() > 1) throw new ConfigException("unexpected argument '" + words.get(1) + "'");
            return words.isEmpty() ? null : words.get(0);
        }

        /** A switch given as {@code --name} or {@code --name=true}. */
        public boolean on(String name) {
            List<String> v = all(name);
            return !v.isEmpty() && v.get(v.size() - 1).equals("true");
        }
    }

    /** The default of a server flag, or null. */
    public static String defaultOf(String name) {
        Flag f = find(name);
        return f == null ? null : f.defaultValue();
    }

    static final List<Flag> SERVER = List.of(
        new Flag("host", "127.0.0.1", false, false, "address to listen on"),
        new Flag("port", "8080", false, false, "port to listen on; 0 picks a free one (logged)"),
        new Flag("db", "agent-auth.db", false, false,
            "SQLite database file (created on first start), or postgresql://host:port/db?user=NAME (password from AGENT_AUTH_DB_PASSWORD)"),
        new Flag("db-pool-size", "10", false, false, "PostgreSQL: connections per instance"),
        new Flag("instance-id", null, false, false, "this instance's name in audit events and logs (default <host>-<pid>)"),
        new Flag("issuer", null, false, false, "issuer URL (default http://<host>:<port>; required for a wildcard host)"),
        new Flag("access-ttl", "15m", false, false, "access token lifetime"),
        new Flag("refresh-ttl", "30d", false, false, "refresh family lifetime, counted from login"),
        new Flag("key-rotation", "90d", false, false, "a new signing key signs this often; off: only when an admin rotates"),
        new Flag("key-publish-ahead", "7d", false, false, "a new key is in the JWKS this long before it signs"),
        new Flag("admin-session-ttl", "12h", false, false, "lifetime of families whose scope holds admin"),
        new Flag("max-access-ttl", "1h", false, false, "the longest access_ttl an agent may be given"),
        new Flag("max-refresh-ttl", "90d", false, false, "the longest refresh_ttl an agent may be given"),
        new Flag("require-owner", null, false, true, "every agent created or given a new owner must name one"),
        new Flag("disable-inactive-after", "off", false, false, "disable agents issued no token for this long (admins exempt)"),
        new Flag("refresh-retry-window", "0s", false, false, "a used refresh token may be retried for this long (at most 300s)"),
        new Flag("resource", null, true, false, "an audience tokens may be issued for besides the issuer (repeatable)"),
        new Flag("trusted-proxy", null, true, false, "CIDR whose requests may name the client in X-Forwarded-For (repeatable)"),
        new Flag("throttle-failures", "5", false, false, "failures per name and address before 429"),
        new Flag("throttle-name-failures", "20", false, false, "failures per name from all addresses before 429"),
        new Flag("throttle-window", "15m", false, false, "window for the per-name counters"),
        new Flag("throttle-address-failures", "100", false, false, "failed secret checks per address before 429"),
        new Flag("throttle-address-names", "50", false, false, "different failing names per address before 429"),
        new Flag("throttle-address-window", "10m", false, false, "window for the per-address counter"),
        new Flag("throttle-delay", "30s", false, false, "first Retry-After; doubles per further attempt"),
        new Flag("throttle-max-delay", "15m", false, false, "largest Retry-After"),
        new Flag("argon2-memory", "19456", false, false, "Argon2id memory per hash, KiB (OWASP minimum 19456)"),
        new Flag("argon2-iterations", "2", false, false, "Argon2id iterations"),
        new Flag("argon2-parallelism", "1", false, false, "Argon2id lanes"),
        new Flag("hash-concurrency", null, false, false, "password hashes run at once (default: number of cores)"),
        new Flag("hash-queue", "64", false, false, "logins that may wait for a hash before 503"),
        new Flag("audit-retention", "90d", false, false, "audit events older than this are pruned"),
        new Flag("durable", null, false, true, "synchronous=FULL: survive power loss, at a cost per write"),
        new Flag("reset-signing-keys", null, false, true, "discard signing keys the master key cannot open (audited)"),
        new Flag("dpop", "optional", false, false, "DPoP (RFC 9449): off, optional (a proof binds the tokens) or required"),
        new Flag("dpop-iat-window", "60s", false, false, "how old a DPoP proof may be (it may also be 5 s ahead)"),
        new Flag("dpop-nonce", "off", false, false, "off, or required: DPoP proofs must carry a nonce the server handed out"),
        new Flag("metrics-port", null, false, false, "serve GET /metrics (Prometheus) on this port; off when not given"),
        new Flag("metrics-host", "127.0.0.1", false, false, "address of the metrics listener"),
        new Flag("log-format", "text", false, false, "text or json (one object a line)"),
        new Flag("access-log", null, false, true, "log one line per request"));

    private Flags() {}

    static Flag find(String name) {
        return find(SERVER, name);
    }

    /** A subcommand's own flags followed by the server's, which it passes through. */
    public static List<Flag> withServerFlags(Flag... own) {
        List<Flag> all = new ArrayList<>(List.of(own));
        all.addAll(SERVER);
        return all;
    }

    /**
     * Parses {@code args} against {@code known}: "--name value", "--name=value" and switches
     * ("--name", "--name=true|false") become values, anything else a word.
     *
     * @throws ConfigException naming an unknown flag, a missing value, or a flag given twice
     */
    public static Parsed parse(List<String> args, List<Flag> known) {
        List<String> words = new ArrayList<>();
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                words.add(arg);
                continue;
            }
            String name = arg.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) { value = name.substring(eq + 1); name = name.substring(0, eq); }
            Flag f = find(known, name);
            if (f == null) throw new ConfigException("unknown flag --" + name + " (see --help)");
            if (f.isSwitch()) {
                if (value != null && !value.equals("true") && !value.equals("false"))
                    throw new ConfigException("--" + name + " takes no value");
                value = value == null ? "true" : value;
            } else if (value == null) {
                if (i + 1 >= args.size()) throw new ConfigException("--" + name + " needs a value");
                value = args.get(++i);
            }
            List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!f.repeatable() && !list.isEmpty()) throw new ConfigException("--" + name + " given twice");
            list.add(value);
        }
        return new Parsed(List.copyOf(words), values);
    }

    private static Flag find(List<Flag> known, String name) {
        for (Flag f : known) if (f.name().equals(name)) return f;
        return null;
    }

    static String help() {
        StringBuilder b = new StringBuilder();
        for (Flag f : SERVER) {
            String left = "  --" + f.name() + (f.isSwitch() ? "" : " VALUE");
            b.append(String.format("%-34s %s", left, f.help()));
            if (f.defaultValue() != null) b.append(" [").append(f.defaultValue()).append(']');
            b.append("\n").append(String.format("%-34s env %s%n", "", f.env()));
        }
        return b.toString();
    }
}
