package agentauth.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Configures an {@link AgentAuthClient}. Not thread-safe; {@link #build()} validates and
 * copies everything, so a builder may be reused or wiped afterwards.
 */
public final class AgentAuthClientBuilder {
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
    private boolean dpop;
    private Path dpopKeyFile;

    AgentAuthClientBuilder() {
    }

    /**
     * The server's base URL, e.g. {@code https://auth.example.com} (its issuer). Required.
     *
     * @param url an absolute http or https URL without query or fragment
     * @return this builder
     * @throws IllegalArgumentException the URL is not such a URL
     */
    public AgentAuthClientBuilder server(String url) {
        this.server = Urls.base(url, "server");
        return this;
    }

    /**
     * The agent's user name. Required.
     *
     * @param username the name as registered on the server
     * @return this builder
     */
    public AgentAuthClientBuilder username(String username) {
        this.username = username;
        return this;
    }

    /**
     * The agent's secret. Required. The array is copied; the caller may wipe its own.
     *
     * @param secret the secret
     * @return this builder
     */
    public AgentAuthClientBuilder secret(char[] secret) {
        this.secret = secret == null ? null : secret.clone();
        return this;
    }

    /**
     * The agent's secret as a String (which, unlike a char[], cannot be wiped).
     *
     * @param secret the secret
     * @return this builder
     */
    public AgentAuthClientBuilder secret(String secret) {
        return secret(secret == null ? null : secret.toCharArray());
    }

    /**
     * The scopes to ask for, a subset of the user's; by default the server grants all of
     * the user's scopes.
     *
     * @param scopes scope tokens
     * @return this builder
     */
    public AgentAuthClientBuilder scopes(String... scopes) {
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
    public AgentAuthClientBuilder resource(String resource) {
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
    public AgentAuthClientBuilder httpClient(HttpClient httpClient) {
        this.httpClient = httpClient;
        return this;
    }

    /**
     * Timeout of one request to the auth server; default 10 s.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public AgentAuthClientBuilder requestTimeout(Duration timeout) {
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
    public AgentAuthClientBuilder maxAttempts(int attempts) {
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
    public AgentAuthClientBuilder maxRetryAfter(Duration wait) {
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
    public AgentAuthClientBuilder minValidity(Duration margin) {
        this.minValidity = margin;
        return this;
    }

    /**
     * The clock expiry is judged by; for tests. Default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public AgentAuthClientBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /**
     * Binds the agent's tokens to a P-256 key made now, in memory (DPoP, RFC 9449): every
     * token request and every {@link AgentAuthClient#send} carries a fresh proof signed by it,
     * so a token that leaks is useless without the key. The server binds the session at login;
     * if it later refuses a refresh for the key, the client logs in again with the key it has.
     * A server with DPoP off answers Bearer tokens, which the client then sends as Bearer.
     *
     * @return this builder
     */
    public AgentAuthClientBuilder dpop() {
        this.dpop = true;
        this.dpopKeyFile = null;
        return this;
    }

    /**
     * As {@link #dpop()}, with the key kept in a file, so a restarted agent keeps its key: a
     * private JWK (EC, P-256), read at {@link #build()}, or made there and written readable by
     * its owner only if the file does not exist. Keep it as safe as the secret.
     *
     * @param keyFile the key's file
     * @return this builder
     */
    public AgentAuthClientBuilder dpop(Path keyFile) {
        this.dpop = true;
        this.dpopKeyFile = keyFile;
        return this;
    }

    AgentAuthClientBuilder sleeper(Retry.Sleeper sleeper) {
        this.sleeper = sleeper;
        return this;
    }

    /**
     * Validates the configuration and builds the client. Nothing is sent yet.
     *
     * @return the client
     * @throws IllegalArgumentException a required setting is missing or a value is invalid,
     *     or the DPoP key file holds no P-256 private key
     * @throws java.io.UncheckedIOException the DPoP key file cannot be read or written
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
        DpopKey key = !dpop ? null : dpopKeyFile != null ? DpopKey.loadOrCreate(dpopKeyFile) : DpopKey.generate();
        DpopNonces nonces = new DpopNonces();
        TokenEndpoints endpoints = new TokenEndpoints(server, http, requestTimeout, retry, clock, minValidity, key, nonces);
        Session session = new Session(endpoints, clock, username, secret,
                scopes.isEmpty() ? null : String.join(" ", scopes), resource);
        return new AgentAuthClient(session, http, "server=" + server + ", username=" + username
                + ", secret=****, scopes=" + scopes + ", resource=" + resource
                + (key == null ? "" : ", dpop=" + key.thumbprint()), key, nonces, clock);
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
        return "AgentAuthClientBuilder[server=" + server + ", username=" + username
                + ", secret=****, scopes=" + scopes + ", resource=" + resource + "]";
    }
}
