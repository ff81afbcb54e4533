package agentauth.user;

import agentauth.Config;
import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Argon2id in the standard encoded form ($argon2id$v=19$m=..,t=..,p=..$salt$hash), so parameters
 * can be raised later. Work is bounded: at most {@code concurrency} hashes run at once (each takes
 * its m KiB of memory) and at most {@code queue} wait; beyond that 503, so a login flood neither
 * exhausts memory nor starves the endpoints that need no hashing.
 *
 * <p>The hashes the gate admits run on {@code concurrency} dedicated threads. Run on the request
 * threads, each of them kept a glibc malloc arena holding its m KiB after its first hash (about
 * 20 MiB of RSS per Jetty thread: 481 MiB peak in the first bench/ run); dedicated threads bound
 * that to {@code concurrency} arenas. They live until {@link #close()}: when idle workers ended
 * and new ones took over, the new ones left more of that memory behind (bench/: +39 MiB of peak
 * RSS after a minute without hashing), while a worker reusing its buffer costs nothing.
 */
public final class PasswordHasher implements AutoCloseable {
    private final Argon2 argon2;
    private final Config.Hashing params;
    private final HashGate gate;
    private final ExecutorService workers;
    private volatile String dummyHash; // made on first need: commands that never verify never pay for it
    private final List<Thread> threads = new CopyOnWriteArrayList<>(); // the workers started, for tests

    public PasswordHasher(Config.Hashing params) {
        NativeArgon2.useBundled();
        this.argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id, 16, 32);
        this.params = params;
        this.gate = new HashGate(params.concurrency(), params.queue());
        // As many workers as the gate lets hashes run, so an admitted hash never waits for one;
        // each starts at its first hash.
        this.workers = new ThreadPoolExecutor(params.concurrency(), params.concurrency(), 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "argon2-" + (threads.size() + 1));
                t.setDaemon(true);
                threads.add(t);
                return t;
            });
    }

    /**
     * The hash verified for unknown names, so they cost what a real user costs; always the
     * current parameters. The server makes it at start, so no request pays for it.
     */
    public String dummyHash() {
        String d = dummyHash;
        if (d != null) return d;
        synchronized (this) {
            if (dummyHash == null)
                dummyHash = onWorker(() -> argon2.hash(params.iterations(), params.memoryKib(), params.parallelism(),
                    "agent-auth dummy secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return dummyHash;
        }
    }

    /** Hashes a secret and wipes the caller's copy. */
    public String hash(byte[] secret) {
        try {
            return gate.run(false, () -> onWorker(() -> argon2.hash(params.iterations(), params.memoryKib(), params.parallelism(), secret)));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Checks a secret against an encoded hash (or the dummy hash when {@code encoded} is null). */
    public boolean verify(String encoded, byte[] secret) {
        return verify(encoded, secret, false);
    }

    /** @param priority the caller recently succeeded from its address: it skips the flood's queue */
    public boolean verify(String encoded, byte[] secret, boolean priority) {
        String target = encoded == null ? dummyHash() : encoded;
        boolean ok = gate.run(priority, () -> onWorker(() -> argon2.verify(target, secret)));
        return ok && encoded != null;
    }

    /** True when {@code encoded} was made with weaker parameters than the configured ones. */
    public boolean needsRehash(String encoded) {
        int[] mtp = parameters(encoded);
        if (mtp == null) return true;
        return mtp[0] < params.memoryKib() || mtp[1] < params.iterations() || mtp[2] < params.parallelism();
    }

    /** m, t and p of an encoded hash, or null if it is not one. */
    static int[] parameters(String encoded) {
        String[] parts = encoded.split("\\$");
        if (parts.length < 6 || !parts[1].equals("argon2id")) return null;
        int[] out = new int[3];
        for (String kv : parts[3].split(",")) {
            String[] p = kv.split("=");
            if (p.length != 2) return null;
            int v;
            try { v = Integer.parseInt(p[1]); } catch (NumberFormatException e) { return null; }
            switch (p[0]) {
                case "m" -> out[0] = v;
                case "t" -> out[1] = v;
                case "p" -> out[2] = v;
                default -> { return null; }
            }
        }
        return out;
    }

    /** The hashing threads started so far (tests). */
    List<Thread> threads() {
        return List.copyOf(threads);
    }

    /** Ends the hashing threads once the hashes under way are done. */
    @Override
    public void close() {
        workers.shutdown();
    }

    /** Runs {@code work} on a hashing thread and waits for it; an interrupt does not abandon it. */
    private <T> T onWorker(Supplier<T> work) {
        Future<T> result = workers.submit(work::get);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the caller still holds a gate slot for this hash: finish it
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    if (e.getCause() instanceof Error err) throw err;
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
