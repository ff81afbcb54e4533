package agentauth.user;

import agentauth.error.AuthError;
import agentauth.metrics.Events;
import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;
import java.nio.charset.StandardCharsets;
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
    private static final byte[] DUMMY_SECRET = "agent-auth dummy secret".getBytes(StandardCharsets.UTF_8);
    private final Argon2 argon2;
    private volatile Hashing params;
    private final CheckCost cost;
    private final HashGate gate;
    private final ExecutorService workers;
    private volatile String dummyHash; // made on first need: commands that never verify never pay for it
    private final List<Thread> threads = new CopyOnWriteArrayList<>(); // the workers started, for tests
    private final Events events;

    public PasswordHasher(Hashing params) {
        this(params, Events.NONE);
    }

    /** @param events told of each hash that runs (and its time) or is refused */
    public PasswordHasher(Hashing params, Events events) {
        this.events = events;
        NativeArgon2.useBundled();
        this.argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id, 16, 32);
        this.params = params;
        this.cost = new CheckCost(new HashParameters(params.memoryKib(), params.iterations(), params.parallelism()));
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
     * One secret check: whether it matched, and how much longer a failure must take to cost what
     * a check with the strongest parameters in use costs.
     */
    public record Check(boolean matches, long topUpNanos) {
        /**
         * Waits out the top-up of a failed check, on the caller's thread: a pause holds no hashing
         * slot and burns no CPU, and brings the failure to the strongest check's cost, where extra
         * hashing could only overshoot it (and would give an attacker more work per guess).
         */
        public void topUp() {
            if (topUpNanos <= 0) return;
            try {
                TimeUnit.NANOSECONDS.sleep(topUpNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The hash checked for unknown names, so they cost what a real user costs: made with the
     * strongest parameters in use (see {@link #notice}). The server makes it at start, so no
     * request pays for it, and again when stronger parameters turn up.
     */
    public String dummyHash() {
        String d = dummyHash;
        if (d != null) return d;
        synchronized (this) {
            if (dummyHash == null) {
                HashParameters p = cost.strongest();
                Timed<String> made = timedOnWorker(() -> argon2.hash(p.iterations(), p.memoryKib(), p.parallelism(), DUMMY_SECRET));
                cost.measured(p, made.nanos()); // a hash costs what a check costs: the first measurement
                dummyHash = made.value();
            }
            return dummyHash;
        }
    }

    /**
     * Takes note of a stored hash's parameters (the server passes every stored hash at start,
     * and each check passes its own): when they are stronger than any so far, unknown names and
     * failures are made to cost as much from now on.
     */
    public void notice(String encoded) {
        notice(HashParameters.of(encoded));
    }

    private void notice(HashParameters p) {
        if (p == null) return;
        synchronized (this) { // not while a dummy with the old parameters is being made
            if (cost.notice(p)) dummyHash = null;
        }
    }

    /**
     * A shared setting changed: new hashes use these Argon2 parameters (stored hashes are
     * upgraded at their next login); stronger ones also set the cost of failures from now on.
     */
    public void parameters(Hashing changed) {
        this.params = changed;
        notice(new HashParameters(changed.memoryKib(), changed.iterations(), changed.parallelism()));
    }

    /** Hashes a secret with the configured parameters and wipes the caller's copy. */
    public String hash(byte[] secret) {
        try {
            return gated(false, () -> onWorker(() -> argon2.hash(params.iterations(), params.memoryKib(), params.parallelism(), secret)));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Checks a secret against an encoded hash (or the dummy hash when {@code encoded} is null). */
    public boolean verify(String encoded, byte[] secret) {
        return check(encoded, secret, false).matches();
    }

    /**
     * Checks a secret against an encoded hash, or against the dummy when {@code encoded} is null
     * (which never matches).
     * @param priority the caller recently succeeded from its address: it skips the flood's queue
     */
    public Check check(String encoded, byte[] secret, boolean priority) {
        notice(encoded);
        String target = encoded == null ? dummyHash() : encoded;
        HashParameters used = HashParameters.of(target);
        Timed<Boolean> r = gated(priority, () -> timedOnWorker(() -> argon2.verify(target, secret)));
        cost.measured(used, r.nanos());
        return new Check(r.value() && encoded != null, cost.topUpNanos(used, r.nanos()));
    }

    /** True when {@code encoded} was made with weaker parameters than the configured ones. */
    public boolean needsRehash(String encoded) {
        HashParameters p = HashParameters.of(encoded);
        Hashing h = params;
        return p == null || p.below(new HashParameters(h.memoryKib(), h.iterations(), h.parallelism()));
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

    private record Timed<T>(T value, long nanos) {}

    /** Through the gate, with the events: in flight while it holds a slot, or refused. */
    private <T> T gated(boolean priority, Supplier<T> work) {
        try {
            return gate.run(priority, () -> {
                events.hashStarted();
                long start = System.nanoTime();
                try {
                    return work.get();
                } finally {
                    events.hashFinished(System.nanoTime() - start);
                }
            });
        } catch (AuthError.TemporarilyUnavailable e) { // only the gate refuses this way
            events.hashRejected();
            throw e;
        }
    }

    /** Runs {@code work} on a hashing thread, timed there: the time in the gate's queue is not counted. */
    private <T> Timed<T> timedOnWorker(Supplier<T> work) {
        return onWorker(() -> {
            long start = System.nanoTime();
            T value = work.get();
            return new Timed<>(value, System.nanoTime() - start);
        });
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
