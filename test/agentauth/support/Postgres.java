package agentauth.support;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, throw-away PostgreSQL server for tests: a fresh cluster in a temp folder, from the
 * server binaries of Debian's {@code postgresql} packages, listening on 127.0.0.1 only, tuned for
 * speed rather than durability. It is removed when the JVM exits, and stops even when the JVM is
 * killed (it stops when its pipe from this JVM closes).
 *
 * <p>One shared server starts lazily, on the first {@link #freshDatabase()}, and serves every
 * test class of the run; each test takes a fresh empty database on it. A test that stops the
 * server (an outage) uses a private one from {@link #startPrivate()}: the shared one serves test
 * classes that run concurrently.
 *
 * <p>Without PostgreSQL a test is skipped with one line saying why, except under {@code CI=true},
 * where it fails.
 */
public final class Postgres implements AutoCloseable {
    /** The role agent-auth connects as: it owns each fresh database and is no superuser. */
    public static final String APP_USER = "agent_auth";
    private static final String ADMIN_USER = PostgresCluster.ADMIN_USER;
    private static final Duration READY_DEADLINE = PostgresCluster.DEADLINE;
    private static final AtomicBoolean SKIP_REPORTED = new AtomicBoolean();

    private final PostgresCluster cluster;
    private final boolean shared;
    private final AtomicInteger databases = new AtomicInteger();
    private final Thread stopAtExit = new Thread(this::removeCluster, "postgres-test-server-stop");
    private Process process; // the supervising shell while the server runs; guarded by this

    private Postgres(PostgresCluster cluster, boolean shared) {
        this.cluster = cluster;
        this.shared = shared;
    }

    /** Whether a PostgreSQL server could be started for this run (starts the shared one). */
    public static boolean available() {
        return Shared.SERVER != null;
    }

    /** Why {@link #available()} is false, in one line; null when it is true. */
    public static String whyUnavailable() {
        return Shared.FAILURE;
    }

    /**
     * Returns when PostgreSQL is available; otherwise fails the test under {@code CI=true} and
     * skips it elsewhere (the first skip of the run prints one line saying why).
     */
    public static void assumeAvailable() {
        if (available()) return;
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("PostgreSQL is required under CI=true: " + whyUnavailable());
        }
        String why = "PostgreSQL tests skipped: " + whyUnavailable();
        if (SKIP_REPORTED.compareAndSet(false, true)) System.err.println(why);
        Assumptions.abort(why);
    }

    /** A fresh, empty database on the shared server (skips or fails as {@link #assumeAvailable()}). */
    public static Database freshDatabase() {
        assumeAvailable();
        return Shared.SERVER.createDatabase();
    }

    /**
     * A server of the caller's own, which it may {@link #stop()} and {@link #start()}; closing it
     * removes it. Skips or fails as {@link #assumeAvailable()} when PostgreSQL is missing.
     */
    public static Postgres startPrivate() {
        assumeAvailable();
        return launch(false);
    }

    private static Postgres launch(boolean shared) {
        PostgresCluster cluster = PostgresCluster.create();
        for (int attempt = 1; ; attempt++) {
            Postgres server = new Postgres(cluster, shared);
            try {
                server.start();
                server.sql("postgres", "CREATE ROLE " + APP_USER + " LOGIN PASSWORD '" + cluster.password() + "'");
                Runtime.getRuntime().addShutdownHook(server.stopAtExit);
                return server;
            } catch (PostgresCluster.PortTaken e) {
                if (attempt == 3) throw cluster.failed(e.getMessage());
                cluster.choosePort();
            } catch (RuntimeException e) {
                server.removeCluster();
                throw e;
            }
        }
    }

    /** Creates a fresh, empty database owned by {@link #APP_USER}. */
    public Database createDatabase() {
        String name = "test_" + databases.incrementAndGet();
        sql("postgres", "CREATE DATABASE " + name + " OWNER " + APP_USER);
        return new Database(cluster.port(), name, APP_USER, cluster.password());
    }

    /** Starts the server (again, on the same port and data) and waits until it takes connections. */
    public synchronized void start() {
        if (isRunning()) return;
        process = cluster.launchServer();
        Process started = process;
        started.onExit().thenRun(() -> closeQuietly(started)); // lets the supervisor's stdin reader end too
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        while (true) {
            try {
                DriverManager.getConnection(adminUrl("postgres"), ADMIN_USER, cluster.password()).close();
                return;
            } catch (SQLException notYet) {
                if (!started.isAlive()) {
                    awaitExit(started);
                    throw cluster.startFailed();
                }
                if (System.nanoTime() > deadline) {
                    halt();
                    throw cluster.failed("no connection in " + READY_DEADLINE.toSeconds() + " s");
                }
                pause();
            }
        }
    }

    /**
     * Stops the server at once (fast shutdown: open connections are cut), as an outage would.
     * Only a private server stops: the shared one serves test classes running concurrently.
     */
    public synchronized void stop() {
        if (shared) {
            throw new IllegalStateException("the shared server serves other test classes; use Postgres.startPrivate()");
        }
        halt();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return cluster.port();
    }

    /** Stops a private server and deletes its files. */
    @Override
    public void close() {
        if (shared) return;
        removeCluster();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException exiting) {
            // the hook is running or about to: it does the same, harmlessly
        }
    }

    private synchronized void halt() {
        if (process == null) return;
        closeQuietly(process); // the supervising shell answers with SIGINT: a fast shutdown
        awaitExit(process);
        process = null;
    }

    private void removeCluster() {
        halt();
        cluster.delete();
    }

    private void sql(String database, String statement) {
        try (Connection c = DriverManager.getConnection(adminUrl(database), ADMIN_USER, cluster.password());
             Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement.replace(cluster.password(), "***") + ": " + e.getMessage(), e);
        }
    }

    private String adminUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/" + database + "?connectTimeout=5";
    }

    private static void closeQuietly(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the pipe is gone already: the shell has its end-of-file
        }
    }

    private static void awaitExit(Process p) {
        try {
            if (p.waitFor(60, TimeUnit.SECONDS)) return;
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The run's shared server, started on first use; or why it could not start. */
    private static final class Shared {
        static final Postgres SERVER;
        static final String FAILURE;

        static {
            Postgres server = null;
            String failure = null;
            try {
                server = launch(true);
            } catch (RuntimeException e) {
                failure = String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " | ");
            }
            SERVER = server;
            FAILURE = failure;
        }
    }

    /** One database on a test server, as agent-auth is told about it. */
    public record Database(int port, String name, String user, String password) {
        /** The {@code --db} value, without the password: {@code postgresql://127.0.0.1:PORT/NAME?user=USER}. */
        public String url() {
            return "postgresql://127.0.0.1:" + port + "/" + name + "?user=" + user;
        }

        public String jdbcUrl() {
            return "jdbc:" + url();
        }

        /** The environment agent-auth reads the password from. */
        public Map<String, String> env() {
            return Map.of("AGENT_AUTH_DB_PASSWORD", password);
        }

        /** A plain JDBC connection as {@link #user()}: for a test that looks at the rows. */
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(jdbcUrl(), user, password);
        }

        @Override
        public String toString() {
            return url() + " (password in AGENT_AUTH_DB_PASSWORD)";
        }
    }
}
