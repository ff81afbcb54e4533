package agentauth.support;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster on disk for {@link Postgres}: its temp folder, port and password,
 * the server binaries it uses, and how to run them as a non-root user (initdb and postgres refuse
 * to run as root, which CI is).
 */
final class PostgresCluster {
    static final String ADMIN_USER = "postgres";
    static final Duration DEADLINE = Duration.ofSeconds(120);

    // Runs the server and answers end-of-file on its own stdin (the JVM stopped it, exited or
    // died) with SIGINT, PostgreSQL's fast shutdown. Exits when the server exits.
    private static final String SUPERVISOR = "exec 3<&0 </dev/null; \"$0\" \"$@\" 3<&- & pid=$!; "
        + "{ read -r _ <&3; kill -INT \"$pid\" 2>/dev/null; } & wait \"$pid\"";
    private static final String RUN_AS = "postgres"; // initdb and postgres refuse to run as root

    private final Path bin;
    private final Path dir;
    private final List<String> runAs;
    private final String password = randomHex();
    private volatile int port = freePort();

    private PostgresCluster(Path bin, Path dir, List<String> runAs) {
        this.bin = bin;
        this.dir = dir;
        this.runAs = runAs;
    }

    static PostgresCluster create() {
        Path bin = serverBinaries();
        Path dir;
        try {
            dir = Files.createTempDirectory("agent-auth-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<String> runAs = new UnixSystem().getUid() == 0 ? runAsOtherUser(dir) : List.of();
            PostgresCluster cluster = new PostgresCluster(bin, dir, runAs);
            cluster.initdb();
            return cluster;
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /**
     * The folder named by {@code -Dagentauth.postgres.bin} if set, else the newest server of
     * Debian's packages, else an initdb found on the PATH.
     */
    private static Path serverBinaries() {
        String chosen = System.getProperty("agentauth.postgres.bin");
        if (chosen != null) {
            Path bin = Path.of(chosen);
            if (hasServer(bin)) return bin;
            throw new IllegalStateException("-Dagentauth.postgres.bin=" + chosen + " holds no initdb and postgres");
        }
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.map(v -> v.resolve("bin"))
                .sorted(Comparator.comparing((Path b) -> majorVersion(b.getParent())).reversed())
                .forEach(candidates::add);
        } catch (IOException noDebianPackages) {
            // look on the PATH below
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty()) candidates.add(Path.of(entry));
        }
        return candidates.stream()
            .filter(PostgresCluster::hasServer)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no PostgreSQL server (initdb) under "
                + "/usr/lib/postgresql/*/bin or on the PATH; .ci/install-postgres.sh installs it"));
    }

    private static boolean hasServer(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres"));
    }

    private static int majorVersion(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString().replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void initdb() {
        try {
            Path pwfile = Files.writeString(dir.resolve("pwfile"), password);
            chown(pwfile);
            List<String> command = new ArrayList<>(runAs);
            command.addAll(List.of(bin.resolve("initdb").toString(), "-D", data(), "-U", ADMIN_USER,
                "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
                "--no-sync", "--no-instructions"));
            Path log = dir.resolve("initdb.log");
            Process initdb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!initdb.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                initdb.destroyForcibly();
                throw failed("initdb did not finish in " + DEADLINE.toSeconds() + " s");
            }
            Files.delete(pwfile);
            if (initdb.exitValue() != 0) throw failed("initdb failed: " + tail(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The command prefix that runs a program as {@link #RUN_AS}, who is given {@code dir}. */
    private static List<String> runAsOtherUser(Path dir) {
        try {
            chownTo(dir, RUN_AS);
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalStateException("running as root, and there is no '" + RUN_AS + "' user to run PostgreSQL as");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of("setpriv", "--reuid=" + RUN_AS, "--regid=" + RUN_AS, "--init-groups", "--");
    }

    private void chown(Path file) throws IOException {
        if (!runAs.isEmpty()) chownTo(file, RUN_AS);
    }

    private static void chownTo(Path file, String user) throws IOException {
        UserPrincipalLookupService users = file.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(user));
        view.setGroup(users.lookupPrincipalByGroupName(user));
    }

    /** Starts the server under its supervising shell; its output goes to server.log. */
    Process launchServer() {
        List<String> command = new ArrayList<>(runAs);
        command.addAll(List.of("sh", "-c", SUPERVISOR, bin.resolve("postgres").toString(), "-D", data(),
            "-c", "port=" + port, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "max_connections=300", // several agent-auth instances, each with its pool
            // a throw-away cluster: speed over durability
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
        try {
            Files.writeString(log(), ""); // one start's lines only, to read its failure
            return new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Why the server exited during start; PortTaken when another process took the port. */
    RuntimeException startFailed() {
        String tail = tail(log());
        if (tail.contains("could not create any TCP/IP sockets")) return new PortTaken(tail);
        return failed("the server exited at start: " + tail);
    }

    IllegalStateException failed(String why) {
        return new IllegalStateException("PostgreSQL (" + bin + ") did not start: " + why);
    }

    void choosePort() {
        port = freePort();
    }

    int port() {
        return port;
    }

    String password() {
        return password;
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private Path log() {
        return dir.resolve("server.log");
    }

    void delete() {
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp folder is not worth failing a run over
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String randomHex() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Another process took the chosen port between choosing and binding it: choose again. */
    static final class PortTaken extends RuntimeException {
        PortTaken(String log) {
            super("the port was taken: " + log);
        }
    }
}
