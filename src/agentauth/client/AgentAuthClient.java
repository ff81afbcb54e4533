package agentauth.client;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * An agent's session with an agent-auth server: hands out a valid access token at any moment.
 *
 * <pre>{@code
 * try (AgentAuthClient auth = AgentAuthClient.builder()
 *         .server("https://auth.example.com").username("agent-1").secret(secretChars)
 *         .scopes("read").build()) {
 *     HttpResponse<String> r = auth.send(HttpRequest.newBuilder(URI.create("https://api.example.com/x")),
 *             HttpResponse.BodyHandlers.ofString());
 * }
 * }</pre>
 *
 * <p>It logs in lazily on the first request for a token ({@code POST /login}), refreshes ahead
 * of expiry ({@code POST /refresh}, keeping the new refresh token the server rotates to each
 * time), and logs in again if the server refuses the refresh token (revoked, reused, expired
 * family). A token handed out is valid for at least the safety margin: by default min(30 s,
 * 10% of the token's lifetime), see {@link Builder#minValidity}.
 *
 * <p><b>Thread-safety:</b> all methods may be called from any number of threads. However many
 * threads need a new token at once, at most one login or refresh is on the wire; the others
 * wait for its result (or its exception). Calls with a still-valid token do not block.
 *
 * <p><b>Not checked:</b> the client does not verify the access token's signature or claims
 * (it is opaque to the agent; the service it is sent to verifies it), and does not track
 * revocation until a refresh is refused or a service answers 401.
 *
 * <p>The secret, refresh token and access token never appear in {@link #toString()} or in any
 * exception message.
 */
public final class AgentAuthClient implements Closeable {
    private final Session session;
    private final HttpClient http;
    private final String description;

    private AgentAuthClient(Session session, HttpClient http, String description) {
        this.session = session;
        this.http = http;
        this.description = description;
    }

    /**
     * Starts building a client.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An access token valid for at least the safety margin, logging in or refreshing first if
     * needed (blocking the calling thread while that happens).
     *
     * @return the access token (a JWT; treat it as opaque and secret)
     * @throws BadCredentialsException the server refused the name, secret, scopes or resource
     * @throws ServerUnavailableException no answer within the configured attempts, or the
     *     thread was interrupted while waiting
     * @throws AuthProtocolException the server answered something unexpected
     * @throws IllegalStateException the client was closed
     */
    public String accessToken() {
        return session.current(null).accessToken();
    }

    /**
     * A new access token from the {@code client_credentials} grant (RFC 6749 §4.4: {@code POST
     * /oauth/token}, the name and secret in HTTP Basic), with this client's scopes and resource.
     * It is apart from the client's session: no refresh token, no session left on the server,
     * nothing cached, a new token on every call. For one-shot use such as a command line; an
     * agent that keeps running should call {@link #accessToken()}.
     *
     * @return the access token (a JWT; treat it as opaque and secret)
     * @throws BadCredentialsException the server refused the name, secret, scopes or resource
     * @throws ServerUnavailableException no answer within the configured attempts, or the
     *     thread was interrupted while waiting
     * @throws AuthProtocolException the server answered something unexpected; its
     *     {@link AuthProtocolException#status()} is 404 when the server has no {@code /oauth/token}
     * @throws IllegalStateException the client was closed
     */
    public String clientCredentialsToken() {
        return session.clientCredentials().accessToken();
    }

    /**
     * {@code "Bearer " + accessToken()}, ready for an {@code Authorization} header.
     *
     * @return the header value
     * @throws AgentAuthException as {@link #accessToken()}
     * @throws IllegalStateException the client was closed
     */
    public String authorizationHeader() {
        return "Bearer " + accessToken();
    }

    /**
     * Sends a request to a service with the {@code Authorization} header set. If the service
     * answers 401 (the token was revoked, or the service's clock disagrees), gets a new token
     * and sends once more; the second answer is returned whatever it is. The first 401 body is
     * discarded (closed, if it is a stream). Other statuses are returned as they are: this
     * method does not retry 429, 5xx or network errors of the service, which may not be safe
     * to repeat.
     *
     * @param request the request; its body publisher must be re-readable (all of
     *     {@link HttpRequest.BodyPublishers} except {@code ofInputStream} are)
     * @param handler how to read the response body
     * @param <T> the body type
     * @return the service's response
     * @throws IOException sending to the service failed
     * @throws InterruptedException the thread was interrupted while sending
     * @throws AgentAuthException getting a token failed, as {@link #accessToken()}
     * @throws IllegalStateException the client was closed
     */
    public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        TokenSet used = session.current(null);
        HttpResponse<T> response = http.send(withToken(request, used), handler);
        if (response.statusCode() != 401) {
            return response;
        }
        if (response.body() instanceof AutoCloseable body) {
            try {
                body.close();
            } catch (Exception ignored) {
                // discarding the body of a response we are about to replace
            }
        }
        return http.send(withToken(request, session.current(used.accessToken())), handler);
    }

    private static HttpRequest withToken(HttpRequest.Builder request, TokenSet tokens) {
        return request.setHeader("Authorization", "Bearer " + tokens.accessToken()).build();
    }

    /**
     * Logs out ({@code POST /logout}, ending the refresh family on the server, one attempt,
     * failures ignored since the family also expires on its own) and wipes the secret and the
     * tokens from memory. Waits for a login or refresh in flight, so its family is ended too.
     * Idempotent. Afterwards {@link #accessToken()}, {@link #authorizationHeader()} and
     * {@link #send} throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        session.close();
    }

    /** Names the server and user; the secret and tokens are masked. */
    @Override
    public String toString() {
        TokenSet t = session.peek();
        return "AgentAuthClient[" + description
                + ", token=" + (t == null ? "none" : "**** valid until " + t.expiresAt()) + "]";
    }

    /**
     * Configures an {@link AgentAuthClient}. Not thread-safe; {@link #build()} validates and
     * copies everything, so a builder may be reused or wiped afterwards.
     */
    public static final class Builder {
        private URI server;
        private String username;
        private char[] secret;
        private List<String> scopes = List.of();
        private String resource;
        private HttpClient httpClient;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxAttempts = 4;
        private Duration maxRetryAfter = Duration.ofSeconds(10);
        private Duration minValidity;
        private Clock clock = Clock.systemUTC();
        private Retry.Sleeper sleeper = Retry.THREAD_SLEEP;

        private Builder() {
        }

        /**
         * The server's base URL, e.g. {@code https://auth.example.com} (its issuer). Required.
         *
         * @param url an absolute http or https URL without query or fragment
         * @return this builder
         * @throws IllegalArgumentException the URL is not such a URL
         */
        public Builder server(String url) {
            this.server = Urls.base(url, "server");
            return this;
        }

        /**
         * The agent's user name. Required.
         *
         * @param username the name as registered on the server
         * @return this builder
         */
        public Builder username(String username) {
            this.username = username;
            return this;
        }

        /**
         * The agent's secret. Required. The array is copied; the caller may wipe its own.
         *
         * @param secret the secret
         * @return this builder
         */
        public Builder secret(char[] secret) {
            this.secret = secret == null ? null : secret.clone();
            return this;
        }

        /**
         * The agent's secret as a String (which, unlike a char[], cannot be wiped).
         *
         * @param secret the secret
         * @return this builder
         */
        public Builder secret(String secret) {
            return secret(secret == null ? null : secret.toCharArray());
        }

        /**
         * The scopes to ask for, a subset of the user's; by default the server grants all of
         * the user's scopes.
         *
         * @param scopes scope tokens
         * @return this builder
         */
        public Builder scopes(String... scopes) {
            this.scopes = List.of(scopes);
            return this;
        }

        /**
         * The service the token is for (RFC 8707 {@code resource}): becomes the token's
         * {@code aud}. By default the token is for the auth server itself.
         *
         * @param resource a resource URL the server serves, or null
         * @return this builder
         */
        public Builder resource(String resource) {
            this.resource = resource;
            return this;
        }

        /**
         * The HTTP client for both the auth server and {@link AgentAuthClient#send}. By default
         * a new one that uses HTTP/1.1, connects within 5 s and never follows redirects (a
         * redirect must not carry the secret elsewhere).
         *
         * @param httpClient the client
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /**
         * Timeout of one request to the auth server; default 10 s.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Attempts per call to the auth server before {@link ServerUnavailableException};
         * default 4. Applies to network errors, 429, 503 and other 5xx.
         *
         * @param attempts at least 1
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * The longest {@code Retry-After} the client waits out inside a call; a longer one
         * fails at once with {@link ServerUnavailableException#retryAfter()}. Default 10 s.
         *
         * @param wait zero or more
         * @return this builder
         */
        public Builder maxRetryAfter(Duration wait) {
            this.maxRetryAfter = wait;
            return this;
        }

        /**
         * How long a handed-out access token must still be valid; by default min(30 s, 10%
         * of the token's lifetime). Capped at half the lifetime.
         *
         * @param margin a positive duration
         * @return this builder
         */
        public Builder minValidity(Duration margin) {
            this.minValidity = margin;
            return this;
        }

        /**
         * The clock expiry is judged by; for tests. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        Builder sleeper(Retry.Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /**
         * Validates the configuration and builds the client. Nothing is sent yet.
         *
         * @return the client
         * @throws IllegalArgumentException a required setting is missing or a value is invalid
         */
        public AgentAuthClient build() {
            require(server != null, "server is required");
            require(username != null && !username.isEmpty(), "username is required");
            require(secret != null && secret.length > 0, "secret is required");
            require(positive(requestTimeout), "requestTimeout must be positive");
            require(maxAttempts >= 1, "maxAttempts must be at least 1");
            require(maxRetryAfter != null && !maxRetryAfter.isNegative(), "maxRetryAfter must not be negative");
            require(minValidity == null || positive(minValidity), "minValidity must be positive");
            require(clock != null, "clock is required");
            for (String scope : scopes) {
                require(scope != null && scope.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+"),
                        "each scope must be an RFC 6749 scope token");
            }
            java.util.Arrays.fill(new JsonWriter().field("password", secret).toBytesAndWipe(), (byte) 0); // fails now on a lone surrogate
            HttpClient http = httpClient != null ? httpClient : HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            Retry retry = new Retry(maxAttempts, Duration.ofMillis(200), Duration.ofSeconds(5),
                    maxRetryAfter, sleeper, clock);
            TokenEndpoints endpoints = new TokenEndpoints(server, http, requestTimeout, retry, clock, minValidity);
            Session session = new Session(endpoints, clock, username, secret,
                    scopes.isEmpty() ? null : String.join(" ", scopes), resource);
            return new AgentAuthClient(session, http, "server=" + server + ", username=" + username
                    + ", secret=****, scopes=" + scopes + ", resource=" + resource);
        }

        private static boolean positive(Duration d) {
            return d != null && !d.isNegative() && !d.isZero();
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        /** Masks the secret. */
        @Override
        public String toString() {
            return "AgentAuthClient.Builder[server=" + server + ", username=" + username
                    + ", secret=****, scopes=" + scopes + ", resource=" + resource + "]";
        }
    }
}
