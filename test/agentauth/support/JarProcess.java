package agentauth.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built agent-auth.jar as a separate process, as operators run it: on 127.0.0.1 and a free
 * port (read back from its log), on a database file the test chooses, with cheap Argon2. It can
 * be stopped as an operator would (SIGTERM) or crash (SIGKILL), and restarted on the same file.
 * Its standard output and error go to a log file the test reads.
 */
public final class JarProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("agent-auth listening on [^ ]+:(\\d+) ");
    /** How long a start may take: at a load average of 40 on 2 cores, a minute was not enough. */
    private static final long START_SECONDS = 180;

    private final Process process;
    private final Path log;
    private volatile int port = -1; // known once the log says it listens

    private JarProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The jar under test: the one build.sh just built, else agent-auth.jar in the working folder. */
    public static Path jar() {
        return Path.of(System.getProperty("agentauth.jar", "agent-auth.jar")).toAbsolutePath();
    }

    /** Starts the server on {@code db} with these extra flags and waits until it listens. */
    public static JarProcess start(Path db, String... flags) {
        JarProcess p = launch(db, flags);
        p.awaitListening();
        return p;
    }

    /** Starts the server without waiting: for starts that are meant to fail. */
    public static JarProcess launch(Path db, String... flags) {
        return launch(new Backend.Storage(db.toString(), Map.of()), flags);
    }

    /** Starts a server on {@code storage} (SQLite or PostgreSQL) and waits until it listens. */
    public static JarProcess start(Backend.Storage storage, String... flags) {
        JarProcess p = launch(storage, flags);
        p.awaitListening();
        return p;
    }

    /** Starts a server on {@code storage} without waiting. */
    public static JarProcess launch(Backend.Storage storage, String... flags) {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
            jar().toString(), "--host", "127.0.0.1", "--port", "0", "--db", storage.db(), "--argon2-memory", "1024"));
        command.addAll(List.of(flags));
        try {
            // Not beside the database: its folder may be a filesystem the test fills or makes read-only.
            Path log = Files.createTempFile("agent-auth-server-", ".log");
            log.toFile().deleteOnExit();
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = b.environment();
            env.put("AGENT_AUTH_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
            env.putAll(storage.env());
            return new JarProcess(b.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a one-shot command printed (standard output and error together) and its exit code. */
    public record Result(int code, String output) {}

    /** Runs {@code java -jar agent-auth.jar ARGS...} to its end (a subcommand, or a start meant to fail). */
    public static Result run(List<String> args) {
        return run(args, Map.of());
    }

    /** Runs a one-shot command with these environment variables added. */
    public static Result run(List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", jar().toString()));
        command.addAll(args);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
            return new Result(p.waitFor(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits until a server started with {@code launch} listens (generous: CI machines are loaded). */
    public void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(log());
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return;
            }
            if (!process.isAlive()) throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n" + log());
            pause(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the server did not start in " + START_SECONDS + " s:\n" + log());
    }

    public String url() {
        if (port < 0) throw new IllegalStateException("not listening yet");
        return "http://127.0.0.1:" + port;
    }

    public Http http() {
        return new Http(url());
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the server wrote so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the log contains {@code text}; false after {@code seconds}. */
    public boolean awaitLog(String text, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (log().contains(text)) return true;
            pause(20);
        }
        return false;
    }

    /** SIGTERM (what {@code kill PID} and service managers send); returns the exit code. */
    public int terminate() {
        process.destroy();
        return await();
    }

    /** Sends SIGTERM without waiting for the process to end. */
    public void signalTerm() {
        process.destroy();
    }

    /** SIGKILL: the process ends at once, mid-write or not (a crash). */
    public void kill() {
        process.destroyForcibly();
        await();
    }

    /** Waits up to a minute for the process to end; returns its exit code. */
    public int await() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the server did not exit in 60 s:\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the process if it still runs (a test that failed half-way). */
    @Override
    public void close() {
        if (process.isAlive()) kill();
    }
}
