package agentauth.client;

import java.time.Duration;
import java.util.Optional;

/**
 * No usable answer from the server within the configured attempts: the network failed, the
 * server was throttling ({@code 429}) or overloaded ({@code 503}) for longer than the client
 * is willing to wait, it answered {@code 5xx}, or the calling thread was interrupted while
 * waiting (the interrupt flag is then set again).
 *
 * <p>Trying again later may succeed; {@link #retryAfter()} says when, if the server said.
 */
public final class ServerUnavailableException extends AgentAuthException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    ServerUnavailableException(String message, String error, Duration retryAfter, Throwable cause) {
        super(message, error, cause);
        this.retryAfter = retryAfter;
    }

    /**
     * How long the server asked callers to wait ({@code Retry-After}), if it did.
     *
     * @return the wait the server asked for, or empty
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
