package agentauth.client;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Bounded attempts against the auth server: waits what {@code Retry-After} says on 429/503
 * (when that is not longer than the caller is willing to block), backs off with jitter on
 * network errors and other 5xx, and gives up after {@code maxAttempts} with a
 * {@link ServerUnavailableException}. Immutable and thread-safe.
 */
final class Retry {
    /** How the client waits between attempts; tests record the waits instead of sleeping. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    static final Sleeper THREAD_SLEEP = d -> Thread.sleep(d.toMillis());

    private final int maxAttempts;
    private final Duration baseBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final Sleeper sleeper;
    private final Clock clock;

    Retry(int maxAttempts, Duration baseBackoff, Duration maxBackoff, Duration maxRetryAfter,
            Sleeper sleeper, Clock clock) {
        this.maxAttempts = maxAttempts;
        this.baseBackoff = baseBackoff;
        this.maxBackoff = maxBackoff;
        this.maxRetryAfter = maxRetryAfter;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /**
     * Sends until an answer arrives that is neither 429, 5xx nor a network failure, and returns
     * it. Each attempt gets a new request (a DPoP proof is good for one request only).
     */
    HttpResponse<byte[]> send(HttpClient http, Supplier<HttpRequest> request, String what) {
        for (int attempt = 1; ; attempt++) {
            ServerUnavailableException failure;
            Duration wait;
            try {
                HttpResponse<byte[]> response = http.send(request.get(), HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status != 429 && status < 500) {
                    return response;
                }
                String error = OAuthError.of(response.body()).code();
                Duration retryAfter = (status == 429 || status == 503) ? retryAfter(response) : null;
                failure = new ServerUnavailableException(what + " answered " + status
                        + (error == null ? "" : " " + error), error, retryAfter, null);
                if (retryAfter != null && retryAfter.compareTo(maxRetryAfter) > 0) {
                    throw failure; // longer than we may block the caller: let it decide
                }
                wait = retryAfter != null ? retryAfter : backoff(attempt);
            } catch (IOException e) {
                // The exception names host and port at most; request bodies never reach it.
                failure = new ServerUnavailableException("cannot reach " + what + ": " + e, null, null, e);
                wait = backoff(attempt);
            } catch (InterruptedException e) {
                throw interrupted(what);
            }
            if (attempt >= maxAttempts) {
                throw failure;
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                throw interrupted(what);
            }
        }
    }

    static ServerUnavailableException interrupted(String what) {
        Thread.currentThread().interrupt();
        return new ServerUnavailableException("interrupted while waiting for " + what, null, null, null);
    }

    /** Equal jitter: half the exponential step fixed, half random, so retries spread out. */
    Duration backoff(int attempt) {
        long cap = baseBackoff.toMillis() << Math.min(attempt - 1, 20);
        cap = Math.min(cap, maxBackoff.toMillis());
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }

    /** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; null when absent or unreadable. */
    Duration retryAfter(HttpResponse<?> response) {
        String value = response.headers().firstValue("Retry-After").orElse(null);
        if (value == null) {
            return null;
        }
        value = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
