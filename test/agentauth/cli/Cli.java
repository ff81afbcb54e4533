package agentauth.cli;

import agentauth.support.JarProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs agent-auth.jar as an operator's shell would: a command line, some variables, standard input. */
final class Cli {
    /** What one run left behind. */
    record Result(int code, String out, String err) {
        /** The lines on standard error. */
        List<String> errLines() {
            return err.strip().isEmpty() ? List.of() : err.strip().lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private Cli() {}

    /** Runs {@code java -jar agent-auth.jar args...}; {@code stdin} is written and then closed. */
    static Result run(Map<String, String> env, String stdin, String... args) {
        ProcessBuilder b = new ProcessBuilder(command(args));
        b.environment().keySet().removeIf(k -> k.startsWith("AGENT_AUTH_")); // only what the test gives
        b.environment().putAll(env);
        try {
            Process p = b.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the command may exit before reading standard input (a usage error): fine
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("agent-auth " + String.join(" ", args) + " did not exit in 120 s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The java command that runs the jar with these arguments (cheap JIT: commands are short). */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", JarProcess.jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** A short wait between two looks at a state a test polls for. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(java.io.InputStream s) {
        try {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
