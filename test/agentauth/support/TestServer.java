package agentauth.support;

import agentauth.App;
import agentauth.Config;
import agentauth.Logging;
import agentauth.user.Users;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real agent-auth server in this JVM: App on 127.0.0.1 and a free port, with a fresh SQLite
 * file in a temp folder. Flags are the command line's. Closing it stops the server and deletes
 * the folder.
 *
 * <p>A test class that shares one server for all its tests declares it as a field JUnit closes
 * after the last one: {@code @AutoClose static final TestServer server = TestServer.start(...)}
 * (an instance field instead gives each test a server of its own).
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "admin-password-for-tests";

    /** The secret tests give a user they create: derived from its name, so any test can log it in. */
    public static String secret(String username) {
        return username + "-secret-123";
    }

    static {
        Logging.configure();
    }

    private final Path dir;
    private final Backend backend;
    private final Backend.Storage storage;
    private List<String> flags;
    private final Map<String, String> env;
    private final Clock clock;
    private App app;

    private TestServer(Path dir, Backend backend, List<String> flags, Clock clock) {
        this(dir, backend, backend.fresh(dir), flags, clock);
    }

    private TestServer(Path dir, Backend backend, Backend.Storage storage, List<String> flags, Clock clock) {
        this.dir = dir;
        this.backend = backend;
        this.storage = storage;
        this.flags = flags;
        this.env = new HashMap<>(storage.env());
        env.put("AGENT_AUTH_ADMIN_PASSWORD", ADMIN_PASSWORD);
        this.clock = clock;
        this.app = App.start(Config.parse(allFlags(), env), env, clock);
    }

    /** Starts a server with these command-line flags (besides host, port and db). */
    public static TestServer start(String... flags) {
        return startWith(Clock.systemUTC(), flags);
    }

    /** Starts a server reading time from {@code clock}. */
    public static TestServer startWith(Clock clock, String... flags) {
        return startOn(Backend.SQLITE, clock, flags);
    }

    /** Starts a server on a fresh database of {@code backend}. */
    public static TestServer startOn(Backend backend, Clock clock, String... flags) {
        try {
            return new TestServer(Files.createTempDirectory("agent-auth-test"), backend, List.of(flags), clock);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A second instance on {@code other}'s database (PostgreSQL), with the same clock. */
    public static TestServer startBeside(TestServer other, String... flags) {
        try {
            return new TestServer(Files.createTempDirectory("agent-auth-test"), other.backend, other.storage, List.of(flags),
                other.clock);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestServer startOn(Backend backend, String... flags) {
        return startOn(backend, Clock.systemUTC(), flags);
    }

    public Backend backend() {
        return backend;
    }

    /** The {@code --db} value and the environment for another process on this server's database. */
    public Backend.Storage storage() {
        return storage;
    }

    /** The first column of the first row of {@code sql}, as text (null when none): a look at the rows, on either database. */
    public String one(String sql) {
        return app.database().read(c -> {
            try (var s = c.createStatement(); var r = s.executeQuery(sql)) {
                return r.next() ? r.getString(1) : null;
            }
        });
    }

    private List<String> allFlags() {
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--db", storage.db()));
        // Cheap Argon2 unless a test asks otherwise: the suite checks behaviour, bench/ measures cost.
        if (flags.stream().noneMatch(f -> f.startsWith("--argon2-memory"))) all.addAll(List.of("--argon2-memory", "1024"));
        all.addAll(flags);
        return all;
    }

    /** Stops the server and starts it again on the same database file (a new port). */
    public void restart() {
        app.close();
        app = App.start(Config.parse(allFlags(), env), env, clock);
    }

    /**
     * Restarts on the same database with other flags. On PostgreSQL the shared settings among
     * them are first changed in the database, as an operator does with {@code agent-auth settings
     * set} (an instance started with other values than the database's would refuse to start).
     */
    public void restartWith(String... newFlags) {
        flags = List.of(newFlags);
        if (backend == Backend.POSTGRES) {
            Config next = Config.parse(allFlags(), env);
            for (var e : next.given().entrySet())
                if (agentauth.settings.SharedSettings.SETTINGS.containsKey(e.getKey()))
                    agentauth.settings.SharedSettings.set(app.database(), new agentauth.store.SettingsStore(app.database()),
                        app.audit(), next, e.getKey(), e.getValue(), clock);
        }
        restart();
    }

    public String url() {
        return app.issuer();
    }

    public App app() {
        return app;
    }

    /** The SQLite file (SQLite servers only). */
    public Path db() {
        if (backend != Backend.SQLITE) throw new IllegalStateException("a " + backend + " server has no database file");
        return Path.of(storage.db());
    }

    public Path dir() {
        return dir;
    }

    /** Creates a user through the same service the admin API uses. */
    public void createUser(String name, String password, String... scopes) {
        app.users().create(name, password, List.of(scopes), true, new Users.Actor("test", null));
    }

    @Override
    public void close() {
        app.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp folder: the OS cleans up what is left
        }
    }
}
