package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.JarProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * The docs' examples as a user runs them: compiled with javac against the jars a user has, each
 * run as its own process with its own environment. Stops every process it started.
 */
final class ExampleProcesses implements AutoCloseable {
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    ExampleProcesses(Path dir) {
        this.dir = dir;
    }

    static Path clientJar() {
        return JarProcess.jar().resolveSibling("agent-auth-client.jar");
    }

    /** Javalin and what it needs at run time, plus {@code more} (e.g. "jackson-"); nothing else of the server. */
    static String javalinJars(String... more) throws IOException {
        StringBuilder pattern = new StringBuilder(".*/(javalin|jetty-|jakarta\\.servlet|kotlin-stdlib|slf4j-");
        for (String m : more) pattern.append('|').append(m.replace(".", "\\."));
        String regex = pattern.append(").*\\.jar").toString();
        try (Stream<Path> libs = Files.list(Path.of("lib"))) {
            return libs.map(Path::toString).filter(p -> p.matches(regex)).sorted().collect(Collectors.joining(":"));
        }
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Compiles one example file with the warnings a careful user has on; returns its class folder. */
    Path compile(Path source, String classPath) {
        Path out = dir.resolve(source.getFileName().toString().replace(".java", ""));
        int code = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-Xlint:all",
                "-Werror", "-cp", classPath, "-d", out.toString(), source.toString());
        assertEquals(0, code, "javac " + source);
        return out;
    }

    /** Starts {@code command} with {@code env} and none of the AGENT_AUTH variables of the test's own. */
    Process start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().keySet().removeIf(k -> k.startsWith("AGENT_AUTH"));
        b.environment().putAll(env);
        Process p = b.start();
        processes.add(p);
        return p;
    }

    Process java(String classPath, String mainClass, Map<String, String> env) throws IOException {
        return start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classPath, mainClass), env);
    }

    /** Waits for a process that ends by itself: its whole output, after it exited 0. */
    static String output(Process p) throws Exception {
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p));
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the example did not finish in 90 s");
        String text = output.get(30, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    /** What follows {@code prefix} on the line a server prints once it listens; then drains its output. */
    static String awaitLine(Process server, String prefix) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith(prefix)) return line.substring(prefix.length());
                    seen.append(line).append('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("the example exited:\n" + seen);
        });
        String rest = found.get(60, TimeUnit.SECONDS);
        CompletableFuture.runAsync(() -> { // keeps reading, so the server never blocks on a full pipe
            try {
                while (lines.readLine() != null) {
                    // discarded
                }
            } catch (IOException ended) {
                // the process was stopped
            }
        });
        return rest;
    }

    private static String readAll(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
