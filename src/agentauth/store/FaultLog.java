package agentauth.store;

import agentauth.error.AuthError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage fault the server recovers from by itself, as clients and operators see it: a 503
 * with Retry-After for every request it hits, one log line when it starts (not one per request
 * while it lasts), and one when storage answers again.
 */
public final class FaultLog {
    private static final Logger log = LoggerFactory.getLogger(FaultLog.class);

    private final String where;
    private volatile String fault; // the fault last logged; null while storage answers

    public FaultLog(String where) {
        this.where = where;
    }

    public AuthError.TemporarilyUnavailable unavailable(String why, Throwable cause, long retryAfterSeconds) {
        if (!why.equals(fault)) {
            fault = why;
            log.warn("storage unavailable: {} ({}: {}); answering 503 until it clears", why, where, cause.getMessage());
        }
        return new AuthError.TemporarilyUnavailable("Storage is temporarily unavailable; try again shortly.", retryAfterSeconds, cause);
    }

    public void answered() {
        if (fault != null) {
            fault = null;
            log.info("storage available again: {} answers", where);
        }
    }
}
