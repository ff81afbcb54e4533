package agentauth.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs the test mounts (needs root, as in CI containers): a disk that can really fill
 * up and really turn read-only, instead of a simulation inside the server.
 */
final class Mounts implements AutoCloseable {
    private final Path dir;

    private Mounts(Path dir) {
        this.dir = dir;
    }

    /** True when this process may mount (root with CAP_SYS_ADMIN). */
    static boolean available(Path scratch) {
        Path probe = scratch.resolve("probe");
        try {
            Files.createDirectories(probe);
            if (!run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.toString())) return false;
            run("umount", probe.toString());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Mounts tmpfs(Path dir, String size) throws IOException {
        Files.createDirectories(dir);
        if (!run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()))
            throw new IllegalStateException("cannot mount a tmpfs at " + dir);
        return new Mounts(dir);
    }

    Path dir() {
        return dir;
    }

    /** Remounts read-only; the kernel refuses while any file on it is open for writing. */
    void readOnly() {
        if (!run("mount", "-o", "remount,ro", dir.toString())) throw new IllegalStateException("remount,ro failed");
    }

    void readWrite() {
        if (!run("mount", "-o", "remount,rw", dir.toString())) throw new IllegalStateException("remount,rw failed");
    }

    @Override
    public void close() {
        run("umount", "-l", dir.toString());
    }

    private static boolean run(String... command) {
        try {
            List<String> c = new ArrayList<>(List.of(command));
            Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
