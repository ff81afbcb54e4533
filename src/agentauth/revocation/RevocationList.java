package agentauth.revocation;

import agentauth.error.AuthError;
import agentauth.store.RevocationStore;
import agentauth.store.RevocationStore.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The revocation list as this instance serves it (contract B): read from the database at most
 * once a second, so a thousand verifiers polling cost no more than one, and a change on any
 * instance is served by every instance within a second. An instance that could not read it for
 * 3 s refuses to serve it: a stale list must not look fresh.
 */
public final class RevocationList {
    /** How long verifiers may use a copy (Cache-Control max-age and the document's max_age). */
    public static final Duration MAX_AGE = Duration.ofSeconds(5);
    static final Duration REFRESH = Duration.ofSeconds(1);
    static final Duration STALE = Duration.ofSeconds(3);

    /** The list and when it was read. */
    public record Document(Snapshot list, Instant issuedAt) {}

    private final RevocationStore store;
    private final Clock clock;
    private final ReentrantLock reading = new ReentrantLock();
    private volatile Document current;

    public RevocationList(RevocationStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The list as it is at most a second ago; 503 when the database could not be read for 3 s. */
    public Document current() {
        Instant now = clock.instant();
        Document d = current;
        if (d == null || !now.isBefore(d.issuedAt().plus(REFRESH))) d = refresh(now, d);
        if (d == null || now.isAfter(d.issuedAt().plus(STALE)))
            throw new AuthError.TemporarilyUnavailable("The revocation list cannot be read now; try again shortly.", 1, null);
        return d;
    }

    /** One reader at a time; the others serve the copy they have meanwhile (if still fresh enough). */
    private Document refresh(Instant now, Document old) {
        if (!reading.tryLock()) return old;
        try {
            current = new Document(store.snapshot(now), now);
        } catch (AuthError.TemporarilyUnavailable e) {
            // the database does not answer: the old copy serves until it is stale
        } finally {
            reading.unlock();
        }
        return current;
    }
}
