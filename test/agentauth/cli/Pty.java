package agentauth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The jar at a real pseudo-terminal, as a person at a shell runs it: util-linux {@code script}
 * gives the command a terminal for standard input and output and relays what the test writes as
 * typing. What the terminal echoes comes back in {@link #screen()}, so a secret that was not
 * hidden shows there.
 */
final class Pty implements AutoCloseable {
    static final Path SCRIPT = Path.of("/usr/bin/script");

    private final Process process;
    private final StringBuffer screen = new StringBuffer();
    private final Thread reader;

    private Pty(Process process) {
        this.process = process;
        reader = new Thread(() -> copy(process.getInputStream()), "pty-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static boolean available() {
        return Files.isExecutable(SCRIPT);
    }

    /**
     * Runs the jar with {@code args} at a terminal; {@code redirect}, when not null, is shell text
     * appended to the command line (such as {@code > file}, so that only standard input is one).
     */
    static Pty run(Map<String, String> env, String redirect, String... args) {
        String shell = Cli.command(args).stream().map(Pty::quote).collect(Collectors.joining(" "))
            + (redirect == null ? "" : " " + redirect);
        // -q: no banner; -e: exit with the command's status; -c: the command; /dev/null: no typescript file
        ProcessBuilder b = new ProcessBuilder(List.of(SCRIPT.toString(), "-qec", shell, "/dev/null")).redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("AGENT_AUTH_"));
        b.environment().putAll(env);
        try {
            return new Pty(b.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything the terminal showed so far: prompts, echoed typing, messages. */
    String screen() {
        return screen.toString();
    }

    /** Waits until the terminal shows {@code text}; fails with the screen after a minute. */
    void awaitScreen(String text) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!screen().contains(text)) {
            if (!process.isAlive() && !screen().contains(text))
                throw new AssertionError("exited (" + process.exitValue() + ") before showing '" + text + "':\n" + screen());
            if (System.nanoTime() > deadline) throw new AssertionError("no '" + text + "' in 60 s:\n" + screen());
            Cli.pause(20);
        }
    }

    /** Types a line, as a person would, followed by Enter. */
    void type(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\r").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the command to end; returns its exit status. */
    int exitCode() {
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) throw new AssertionError("still running after 120 s:\n" + screen());
            // the last lines may still be in the pipe when the process has ended: read to its end
            reader.join(TimeUnit.SECONDS.toMillis(60));
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void copy(InputStream from) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = from.read(buf)) > 0; ) screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the process ended
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
