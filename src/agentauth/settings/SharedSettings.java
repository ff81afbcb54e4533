package agentauth.settings;

import agentauth.Config;
import agentauth.ConfigException;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.SettingsStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings that change what a token means or how a secret is checked (contract A), kept in
 * the database so that instances on one database act as one server. The first instance stores
 * its values; on PostgreSQL an instance started with another value exits with one line naming
 * the setting, and one started without the flag takes the database's. On SQLite (one server) a
 * flag given at start wins and is stored. {@code agent-auth settings set} changes a value in
 * the database; every instance reads the settings again every few seconds and applies a change.
 */
public final class SharedSettings {
    private static final Logger log = LoggerFactory.getLogger(SharedSettings.class);
    private static final String PREFIX = "setting.";

    /** Each shared setting (a server flag) and the part of the config it decides, to compare values by meaning. */
    public static final Map<String, Function<Config, Object>> SETTINGS = settings();

    private final Database db;
    private final SettingsStore store;
    private final Clock clock;
    private volatile Config current;
    private volatile Consumer<Config> onChange = c -> {};

    public SharedSettings(Database db, SettingsStore store, Config config, Clock clock) {
        this.db = db;
        this.store = store;
        this.current = config;
        this.clock = clock;
    }

    private static Map<String, Function<Config, Object>> settings() {
        Map<String, Function<Config, Object>> m = new LinkedHashMap<>();
        m.put("access-ttl", Config::accessTtl);
        m.put("refresh-ttl", Config::refreshTtl);
        m.put("admin-session-ttl", Config::adminSessionTtl);
        m.put("max-access-ttl", c -> c.policy().maxAccessTtl());
        m.put("max-refresh-ttl", c -> c.policy().maxRefreshTtl());
        m.put("refresh-retry-window", Config::refreshRetryWindow);
        m.put("resource", c -> java.util.Set.copyOf(c.resources()));
        m.put("key-rotation", c -> Objects.toString(c.keyRotation()));
        m.put("key-publish-ahead", Config::keyPublishAhead);
        m.put("argon2-memory", c -> c.hashing().memoryKib());
        m.put("argon2-iterations", c -> c.hashing().iterations());
        m.put("argon2-parallelism", c -> c.hashing().parallelism());
        m.put("throttle-failures", c -> c.throttling().nameAddressFailures());
        m.put("throttle-name-failures", c -> c.throttling().nameFailures());
        m.put("throttle-window", c -> c.throttling().window());
        m.put("throttle-address-failures", c -> c.throttling().addressFailures());
        m.put("throttle-address-names", c -> c.throttling().addressNames());
        m.put("throttle-address-window", c -> c.throttling().addressWindow());
        m.put("throttle-delay", c -> c.throttling().delay());
        m.put("throttle-max-delay", c -> c.throttling().maxDelay());
        m.put("dpop", c -> c.dpop().mode());
        m.put("dpop-iat-window", c -> c.dpop().iatWindow());
        m.put("dpop-nonce", c -> c.dpop().nonceRequired());
        return java.util.Collections.unmodifiableMap(m);
    }

    public Config current() {
        return current;
    }

    /** Who is told when a setting changed (the services that hold its values). */
    public void onChange(Consumer<Config> listener) {
        this.onChange = listener;
    }

    /**
     * At start, in the bootstrap transaction: stores what the database lacks, and settles each
     * value between the flags this instance was given and the database. Returns the config to run with.
     */
    public Config reconcile(Connection c, boolean severalInstances) throws SQLException {
        Config config = current;
        Map<String, List<String>> adopted = new LinkedHashMap<>();
        for (String name : SETTINGS.keySet()) {
            var stored = store.get(c, PREFIX + name);
            boolean given = config.given().containsKey(name);
            if (stored.isPresent() && (!given || same(config, name, stored.get()))) {
                if (!given) adopted.put(name, split(stored.get()));
            } else if (stored.isEmpty() || !severalInstances) { // nothing stored yet, or one server's own flag
                if (stored.isPresent())
                    log.info("setting {} is now {} (was {})", name, text(raw(config, name)), text(split(stored.get())));
                store.put(c, PREFIX + name, String.join("\n", raw(config, name)), clock.instant());
            } else {
                throw new ConfigException("--" + name + " is " + text(raw(config, name)) + " here but "
                    + text(split(stored.get())) + " for the instances on this database; change it for all of them with: "
                    + "agent-auth settings set " + name + " VALUE");
            }
        }
        current = adopted.isEmpty() ? config : config.with(adopted);
        return current;
    }

    /** Reads the settings again; applies and reports a change another instance or the CLI made. */
    public void reload() {
        Config now = current, next = applied(store, now);
        List<String> changed = new ArrayList<>();
        for (var e : SETTINGS.entrySet())
            if (!Objects.equals(e.getValue().apply(now), e.getValue().apply(next))) changed.add(e.getKey());
        if (changed.isEmpty()) return;
        current = next;
        onChange.accept(next);
        log.info("shared settings changed: {}", String.join(", ", changed));
    }

    /** The CLI's change: validated as a flag would be, stored, audited; every instance applies it. */
    public static void set(Database db, SettingsStore store, AuditLog audit, Config config, String name, List<String> values,
                           Clock clock) {
        if (!SETTINGS.containsKey(name)) throw new ConfigException("'" + name + "' is not a shared setting (one of: "
            + String.join(", ", SETTINGS.keySet()) + ")");
        config.with(Map.of(name, values)); // refuses a bad value as a flag would
        db.write(c -> {
            store.put(c, PREFIX + name, String.join("\n", values), clock.instant());
            audit.record(c, clock.instant(), "settings_changed", null, "cli", null, name + " = " + text(values));
            return null;
        });
    }

    /** {@code config} with the shared settings the database holds (for a command beside the servers). */
    public static Config applied(SettingsStore store, Config config) {
        Map<String, String> stored = store.all();
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String name : SETTINGS.keySet()) {
            String v = stored.get(PREFIX + name);
            if (v != null) values.put(name, split(v));
        }
        return config.with(values);
    }

    /** Every shared setting as the database holds it (absent: not stored yet). */
    public static Map<String, String> show(SettingsStore store) {
        Map<String, String> all = store.all(), out = new LinkedHashMap<>();
        for (String name : SETTINGS.keySet()) {
            String v = all.get(PREFIX + name);
            out.put(name, v == null ? null : text(split(v)));
        }
        return out;
    }

    private static boolean same(Config config, String name, String stored) {
        return Objects.equals(SETTINGS.get(name).apply(config), SETTINGS.get(name).apply(config.with(Map.of(name, split(stored)))));
    }

    /** The values as given, or the flag's default. */
    private static List<String> raw(Config config, String name) {
        List<String> given = config.given().get(name);
        if (given != null) return given;
        String def = agentauth.Flags.defaultOf(name);
        return def == null ? List.of() : List.of(def);
    }

    private static List<String> split(String stored) {
        return stored.isEmpty() ? List.of() : List.of(stored.split("\n"));
    }

    private static String text(List<String> values) {
        return values.isEmpty() ? "(none)" : String.join(" ", values);
    }
}
