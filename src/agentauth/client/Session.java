package agentauth.client;

import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * The agent's tokens and the single flight that renews them: however many threads find the
 * tokens stale at once, one of them logs in or refreshes and the others wait for its result
 * (or its exception). Thread-safe; holds the only copy of the secret and wipes it on close.
 */
final class Session {
    private final TokenEndpoints endpoints;
    private final Clock clock;
    private final String username;
    private final char[] secret;
    private final String scope;      // space-separated, or null for all of the user's
    private final String resource;

    private final Object lock = new Object();
    private volatile TokenSet tokens;               // null before the first login and after close
    private CompletableFuture<TokenSet> inFlight;   // guarded by lock
    private boolean closed;                         // guarded by lock

    Session(TokenEndpoints endpoints, Clock clock, String username, char[] secret, String scope, String resource) {
        this.endpoints = endpoints;
        this.clock = clock;
        this.username = username;
        this.secret = secret.clone();
        this.scope = scope;
        this.resource = resource;
    }

    /** The current tokens, or null; never blocks. */
    TokenSet peek() {
        return tokens;
    }

    /**
     * Tokens usable now and other than the {@code rejected} access token (one a service
     * refused): the current ones if they qualify, else the result of the one login/refresh in
     * flight, starting it if none is.
     */
    TokenSet current(String rejected) {
        TokenSet t = tokens;
        if (good(t, rejected)) {
            return t;
        }
        CompletableFuture<TokenSet> flight;
        boolean leader = false;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the AgentAuthClient is closed");
            }
            t = tokens;
            if (good(t, rejected)) {
                return t;
            }
            flight = inFlight;
            if (flight == null) {
                flight = new CompletableFuture<>();
                inFlight = flight;
                leader = true;
            }
        }
        if (leader) {
            fly(flight, t);
        }
        return await(flight);
    }

    /**
     * Ends the session: waits for a flight in progress (so its family is ended too), wipes the
     * secret and tokens, and logs out the last refresh token. Idempotent.
     */
    void close() {
        CompletableFuture<TokenSet> pending;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            pending = inFlight;
        }
        TokenSet last = tokens;
        if (pending != null) {
            try {
                last = pending.get();
            } catch (ExecutionException e) {
                // the flight failed: nothing new to log out of
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            tokens = null;
            Arrays.fill(secret, '\0');
        }
        if (last != null) {
            endpoints.logout(last.refreshToken());
        }
    }

    private boolean good(TokenSet t, String rejected) {
        return t != null && t.usableAt(clock.instant()) && !t.accessToken().equals(rejected);
    }

    private void fly(CompletableFuture<TokenSet> flight, TokenSet previous) {
        TokenSet next = null;
        Throwable failure = null;
        try {
            next = obtain(previous);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        synchronized (lock) {
            // published before inFlight clears, so a thread that sees no flight sees the tokens
            if (next != null && !closed) {
                tokens = next;
            }
            inFlight = null;
        }
        if (failure != null) {
            flight.completeExceptionally(failure);
        } else {
            flight.complete(next);
        }
    }

    private TokenSet obtain(TokenSet previous) {
        if (previous != null && previous.refreshableAt(clock.instant())) {
            TokenSet refreshed = endpoints.refresh(previous.refreshToken());
            if (refreshed != null) {
                return refreshed;
            }
        }
        return withSecret(copy -> endpoints.login(username, copy, scope, resource));
    }

    /** A client_credentials token, apart from this session's tokens (nothing is kept). */
    TokenSet clientCredentials() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the AgentAuthClient is closed");
            }
        }
        return withSecret(copy -> endpoints.clientCredentials(username, copy, scope, resource));
    }

    private TokenSet withSecret(Function<char[], TokenSet> call) {
        char[] copy;
        synchronized (lock) {
            copy = secret.clone(); // close() may wipe the original while we send
        }
        try {
            return call.apply(copy);
        } finally {
            Arrays.fill(copy, '\0');
        }
    }

    private static TokenSet await(CompletableFuture<TokenSet> flight) {
        try {
            return flight.get();
        } catch (InterruptedException e) {
            throw Retry.interrupted("a token");
        } catch (ExecutionException e) {
            // the leader's exception, shared by every thread that waited for the same flight
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
