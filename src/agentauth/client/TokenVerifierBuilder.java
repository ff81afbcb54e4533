package agentauth.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Configures a {@link TokenVerifier}. Not thread-safe; {@link #build()} copies everything.
 */
public final class TokenVerifierBuilder {
    final URI discoveryBase;
    final URI jwksUri;
    String issuer;
    String audience;
    Duration clockSkew = Duration.ofSeconds(30);
    Duration unknownKeyRefetchInterval = Duration.ofSeconds(30);
    int cacheSize = 10_000;
    HttpClient httpClient;
    Duration timeout = Duration.ofSeconds(5);
    Clock clock = Clock.systemUTC();
    URI revocationList;
    Duration revocationPollInterval;
    Duration maxStale = Duration.ofSeconds(120);
    TokenVerifier.StalePolicy stalePolicy = TokenVerifier.StalePolicy.FAIL_CLOSED;
    URI publicBaseUrl;
    DpopReplayCache dpopReplayCache;
    Duration dpopProofLifetime = Duration.ofSeconds(60);
    URI resource;
    List<String> scopesSupported = List.of();

    TokenVerifierBuilder(URI discoveryBase, URI jwksUri, String issuer) {
        this.discoveryBase = discoveryBase;
        this.jwksUri = jwksUri;
        this.issuer = issuer;
    }

    /**
     * The expected {@code iss}, compared exactly. Required with {@link TokenVerifier#forJwks}; with
     * {@link TokenVerifier#forIssuer} it is the issuer URL already.
     *
     * @param issuer the issuer
     * @return this builder
     */
    public TokenVerifierBuilder issuer(String issuer) {
        this.issuer = issuer;
        return this;
    }

    /**
     * The audience this service accepts: tokens whose {@code aud} does not contain it are
     * refused. Required: use the issuer URL to accept tokens issued without a
     * {@code resource}, or the service's resource URL.
     *
     * @param audience the audience
     * @return this builder
     */
    public TokenVerifierBuilder audience(String audience) {
        this.audience = audience;
        return this;
    }

    /**
     * Tolerance for clocks that disagree, applied to {@code exp}, {@code iat}, {@code nbf}.
     * Default 30 s.
     *
     * @param skew zero or more, whole seconds
     * @return this builder
     */
    public TokenVerifierBuilder clockSkew(Duration skew) {
        this.clockSkew = skew;
        return this;
    }

    /**
     * The least time between two JWKS fetches caused by an unknown {@code kid}. Default 30 s.
     *
     * @param interval a positive duration
     * @return this builder
     */
    public TokenVerifierBuilder unknownKeyRefetchInterval(Duration interval) {
        this.unknownKeyRefetchInterval = interval;
        return this;
    }

    /**
     * How many verified tokens to remember; default 10,000. 0 turns the cache off.
     *
     * @param size zero or more
     * @return this builder
     */
    public TokenVerifierBuilder cacheSize(int size) {
        this.cacheSize = size;
        return this;
    }

    /**
     * The HTTP client for metadata and JWKS; by default a new one (HTTP/1.1, no redirects).
     *
     * @param httpClient the client
     * @return this builder
     */
    public TokenVerifierBuilder httpClient(HttpClient httpClient) {
        this.httpClient = httpClient;
        return this;
    }

    /**
     * Timeout of one metadata or JWKS request; default 5 s.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public TokenVerifierBuilder timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /**
     * The clock times are judged by; for tests. Default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public TokenVerifierBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /**
     * The URL of the issuer's revocation list. With {@link TokenVerifier#forIssuer} it is
     * discovered from the metadata ({@code agent_auth_revocations_uri}), and if the metadata
     * names none there is no list; with {@link TokenVerifier#forJwks} there is none unless set
     * here.
     *
     * @param url an absolute http(s) URL, e.g. {@code https://auth.example.com/revocations}
     * @return this builder
     * @throws IllegalArgumentException the URL is not such a URL
     */
    public TokenVerifierBuilder revocationList(String url) {
        this.revocationList = Urls.absolute(url, "revocationList");
        return this;
    }

    /**
     * How often to poll the revocation list, instead of the list's own {@code max_age}
     * (clamped to 1 to 60 s; agent-auth says 5 s). For tests; not clamped.
     *
     * @param interval at least 10 ms, or null for the list's {@code max_age}
     * @return this builder
     */
    public TokenVerifierBuilder revocationPollInterval(Duration interval) {
        this.revocationPollInterval = interval;
        return this;
    }

    /**
     * How long the revocation list may go without a successful poll before the
     * {@link #stalePolicy} applies. Default 120 s.
     *
     * @param maxStale a positive duration
     * @return this builder
     */
    public TokenVerifierBuilder maxStale(Duration maxStale) {
        this.maxStale = maxStale;
        return this;
    }

    /**
     * What to do with tokens while the revocation list is stale; default
     * {@link TokenVerifier.StalePolicy#FAIL_CLOSED}.
     *
     * @param policy the policy
     * @return this builder
     */
    public TokenVerifierBuilder stalePolicy(TokenVerifier.StalePolicy policy) {
        this.stalePolicy = policy;
        return this;
    }

    /**
     * The service's public base URL, for DPoP's {@code htu} when the service sits behind a
     * proxy that changes the URL (another host, or a path prefix it strips): a request the
     * service sees as {@code /hello} is then checked as {@code <publicBaseUrl>/hello}. By
     * default the request URI passed to {@link TokenVerifier#verify(String, URI, String, String)}
     * is used as it is.
     *
     * @param url e.g. {@code https://api.example.com/billing}
     * @return this builder
     * @throws IllegalArgumentException not an absolute http(s) URL without query
     */
    public TokenVerifierBuilder publicBaseUrl(String url) {
        this.publicBaseUrl = Urls.base(url, "publicBaseUrl");
        return this;
    }

    /**
     * Where accepted DPoP proofs are recorded, so each is accepted once. By default in this
     * process ({@link DpopReplayCache#inMemory}, 100,000 live proofs); replicas of a service
     * need one shared by all of them.
     *
     * @param cache the cache
     * @return this builder
     */
    public TokenVerifierBuilder dpopReplayCache(DpopReplayCache cache) {
        this.dpopReplayCache = cache;
        return this;
    }

    /**
     * How old a DPoP proof may be, by its {@code iat}; default 60 s, as agent-auth's
     * {@code --dpop-iat-window}. A proof may also be up to 5 s ahead of this clock.
     *
     * @param lifetime a positive duration
     * @return this builder
     */
    public TokenVerifierBuilder dpopProofLifetime(Duration lifetime) {
        this.dpopProofLifetime = lifetime;
        return this;
    }

    /**
     * This service's resource identifier for its RFC 9728 metadata (its public URL, which
     * clients compare with the URL they called); by default the {@link #audience}, if that is
     * a URL.
     *
     * @param url an absolute http(s) URL without query or fragment
     * @return this builder
     * @throws IllegalArgumentException not such a URL
     */
    public TokenVerifierBuilder resource(String url) {
        this.resource = Urls.absolute(url, "resource");
        return this;
    }

    /**
     * The scopes to list as {@code scopes_supported} in the RFC 9728 metadata; none by default.
     *
     * @param scopes scope tokens
     * @return this builder
     */
    public TokenVerifierBuilder scopesSupported(String... scopes) {
        this.scopesSupported = List.of(scopes);
        return this;
    }

    /**
     * Validates and builds. Nothing is fetched yet.
     *
     * @return the verifier
     * @throws IllegalArgumentException a required setting is missing or a value is invalid
     */
    public TokenVerifier build() {
        require(issuer != null && !issuer.isEmpty(), "issuer is required");
        require(audience != null && !audience.isEmpty(), "audience is required");
        require(clockSkew != null && !clockSkew.isNegative(), "clockSkew must not be negative");
        require(unknownKeyRefetchInterval != null && unknownKeyRefetchInterval.toMillis() > 0,
                "unknownKeyRefetchInterval must be positive");
        require(cacheSize >= 0, "cacheSize must not be negative");
        require(timeout != null && timeout.toMillis() > 0, "timeout must be positive");
        require(clock != null, "clock is required");
        require(revocationPollInterval == null || revocationPollInterval.toMillis() >= 10,
                "revocationPollInterval must be at least 10 ms");
        require(maxStale != null && maxStale.toMillis() > 0, "maxStale must be positive");
        require(stalePolicy != null, "stalePolicy is required");
        require(dpopProofLifetime != null && dpopProofLifetime.toSeconds() > 0, "dpopProofLifetime must be at least 1 s");
        HttpClient http = httpClient != null ? httpClient : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        IssuerDocuments documents = new IssuerDocuments(discoveryBase, http, timeout);
        RevocationList revocations = discoveryBase == null && revocationList == null ? null
                : new RevocationList(documents, revocationList, revocationPollInterval, maxStale, stalePolicy, clock);
        return new TokenVerifier(this, new JwksKeys(documents, jwksUri, unknownKeyRefetchInterval, clock), revocations);
    }

    /** The resource for the metadata: as set, else the audience if it is a URL, else none. */
    URI resourceOrAudience() {
        if (resource != null) {
            return resource;
        }
        try {
            return Urls.absolute(audience, "audience");
        } catch (IllegalArgumentException notAUrl) {
            return null;
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
