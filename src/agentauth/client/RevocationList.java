package agentauth.client;

import agentauth.client.InvalidTokenException.Reason;
import agentauth.client.RevocationDocument.Actor;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The issuer's revocation list as a verifier keeps it (CONTRACT Round 2 B): fetched before
 * the first check, then polled every {@code max_age} (1 to 60 s) by one daemon thread with
 * {@code If-None-Match}; the highest {@code version} seen wins, so a lagging instance behind a
 * load balancer cannot undo a kill. With no successful poll for {@code maxStale}, FAIL_CLOSED
 * refuses every token with {@link ServerUnavailableException} (a 503 for the caller: a new
 * token would not help) and FAIL_OPEN accepts; either says so once in the log per outage.
 * Thread-safe: checks read volatile snapshots; only the poller writes them.
 */
final class RevocationList implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TokenVerifier.class.getName());
    private static final Duration SHORTEST = Duration.ofSeconds(1);
    private static final Duration LONGEST = Duration.ofSeconds(60);

    private final IssuerDocuments documents;
    private final Duration pollOverride; // null: the document's max_age
    private final Duration maxStale;
    private final TokenVerifier.StalePolicy policy;
    private final Clock clock;

    private final Object startLock = new Object();
    private volatile boolean started;
    private volatile boolean published = true; // false once discovery finds no list
    private volatile URI uri;                   // null until discovered
    private volatile RevocationDocument current = RevocationDocument.EMPTY;
    private volatile Instant lastSuccess;       // null until the first successful poll
    private volatile String lastFailure;
    private volatile Duration interval = Duration.ofSeconds(5);
    private final AtomicBoolean staleSaid = new AtomicBoolean();
    private ScheduledThreadPoolExecutor poller;  // guarded by startLock

    /** @param uri the list's URL, or null to discover it from the issuer's metadata */
    RevocationList(IssuerDocuments documents, URI uri, Duration pollOverride, Duration maxStale,
            TokenVerifier.StalePolicy policy, Clock clock) {
        this.documents = documents;
        this.uri = uri;
        this.pollOverride = pollOverride;
        this.maxStale = maxStale;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * @throws InvalidTokenException the list kills the token ({@link Reason#REVOKED})
     * @throws ServerUnavailableException the list is stale and the policy is FAIL_CLOSED
     */
    void check(TokenClaims claims, String kid, List<Actor> actors) {
        if (!started) {
            start();
        }
        if (!published) {
            return;
        }
        String why = current.killed(claims, kid, actors);
        if (why != null) {
            throw new InvalidTokenException(Reason.REVOKED, why);
        }
        Instant last = lastSuccess;
        if (last == null || clock.instant().isAfter(last.plus(maxStale))) {
            stale(last);
        }
    }

    @Override
    public void close() {
        synchronized (startLock) {
            started = true; // a closed list never starts a poller
            if (poller != null) {
                poller.shutdownNow();
            }
        }
    }

    /** The first fetch happens here, in the caller's thread, before the first check. */
    private void start() {
        synchronized (startLock) {
            if (started) {
                return;
            }
            long next = poll();
            if (published) {
                poller = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, "agent-auth-revocations " + uri);
                    t.setDaemon(true);
                    return t;
                });
                poller.schedule(new PollTask(this, poller), next, TimeUnit.MILLISECONDS);
            }
            started = true;
        }
    }

    /** One poll; returns the milliseconds until the next, or -1 when there is no list to poll. */
    long poll() {
        try {
            URI u = uri;
            if (u == null) {
                u = documents.discovered("agent_auth_revocations_uri").orElse(null);
                if (u == null) {
                    published = false;
                    LOG.log(System.Logger.Level.INFO, "the issuer publishes no revocation list: a revoked token"
                            + " is refused here only once it expires");
                    return -1;
                }
                uri = u;
            }
            RevocationDocument have = current;
            IssuerDocuments.Document d = documents.get(u, "the revocation list", have.etag());
            Long maxAge = null;
            if (d.status() == 200) {
                RevocationDocument next = RevocationDocument.parse(d.json(), d.etag().orElse(null), u.toString());
                if (next.version() >= have.version()) { // an older one comes from a lagging instance
                    current = next;
                }
                maxAge = next.maxAgeSeconds();
            }
            interval = pollInterval(maxAge != null ? Duration.ofSeconds(maxAge) : d.maxAge().orElse(null));
            lastSuccess = clock.instant();
            if (staleSaid.compareAndSet(true, false)) {
                LOG.log(System.Logger.Level.INFO, "the revocation list at " + u + " is fresh again");
            }
        } catch (AgentAuthException e) {
            lastFailure = e.getMessage();
        }
        return interval.toMillis();
    }

    private Duration pollInterval(Duration maxAge) {
        if (pollOverride != null) {
            return pollOverride;
        }
        Duration d = maxAge != null ? maxAge : interval;
        return d.compareTo(SHORTEST) < 0 ? SHORTEST : d.compareTo(LONGEST) > 0 ? LONGEST : d;
    }

    private void stale(Instant last) {
        String since = last == null ? "yet" : "since " + last;
        if (staleSaid.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "no revocation list from " + (uri == null ? "the issuer" : uri) + " "
                    + since + (lastFailure == null ? "" : " (" + lastFailure + ")")
                    + (policy == TokenVerifier.StalePolicy.FAIL_CLOSED
                            ? ": refusing every token until it answers (FAIL_CLOSED)"
                            : ": accepting tokens without it (FAIL_OPEN)"));
        }
        if (policy == TokenVerifier.StalePolicy.FAIL_CLOSED) {
            throw new ServerUnavailableException("the issuer's revocation list could not be fetched " + since
                    + " (more than " + maxStale.toSeconds() + " s)", "temporarily_unavailable", interval, null);
        }
    }

    /**
     * Polls and schedules itself again. Holds the list only weakly, so a verifier dropped
     * without {@code close()} stops its thread once it is collected.
     */
    private static final class PollTask implements Runnable {
        private final WeakReference<RevocationList> list;
        private final ScheduledThreadPoolExecutor executor;

        PollTask(RevocationList list, ScheduledThreadPoolExecutor executor) {
            this.list = new WeakReference<>(list);
            this.executor = executor;
        }

        @Override
        public void run() {
            RevocationList l = list.get();
            long next = l == null ? -1 : l.poll();
            if (next < 0) {
                executor.shutdown();
            } else {
                try {
                    executor.schedule(this, next, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closed) {
                    // the verifier was closed meanwhile
                }
            }
        }
    }
}
