package agentauth.client;

import agentauth.client.InvalidTokenException.Reason;
import agentauth.client.VerifiedTokenCache.Digest;
import agentauth.client.VerifiedTokenCache.Entry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Verifies agent-auth access tokens inside a resource server, offline, against the issuer's
 * published keys (JWKS).
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.forIssuer("https://auth.example.com")
 *         .audience("https://api.example.com").build();
 * TokenClaims claims = verifier.verifyAuthorizationHeader(ctx.header("Authorization"))
 *         .requireScope("read");
 * }</pre>
 *
 * <p><b>Checked:</b> three-part JWS; header {@code alg} equal to the key's algorithm (ES256
 * only: the algorithm comes from the key, so {@code none} and HMAC confusion fail), {@code typ}
 * {@code at+jwt} (RFC 9068), no {@code crit}; the {@code kid} names a key in the JWKS; the
 * signature; {@code iss} equals the expected issuer; {@code aud} contains the expected
 * audience; {@code exp} not passed, {@code iat} and {@code nbf} (if present) not in the
 * future, each with the clock skew; {@code sub}, {@code client_id} and {@code jti} present.
 * A DPoP-bound token ({@code cnf.jkt}) is accepted only with its proof, through
 * {@link #verify(String, URI, String, String)}; {@link #verifyAuthorizationHeader} takes
 * Bearer tokens only.
 *
 * <p><b>Discovery:</b> {@link #resourceMetadata()} and {@link #challenge} let a service publish
 * its RFC 9728 metadata and point 401s at it.
 *
 * <p><b>Revocation:</b> when the issuer publishes a revocation list (its metadata names
 * {@code agent_auth_revocations_uri}; or {@link TokenVerifierBuilder#revocationList}), the
 * verifier fetches it before its first check and then polls it every {@code max_age} (1 to
 * 60 s) on one daemon thread, and refuses ({@link InvalidTokenException.Reason#REVOKED}) a
 * token whose {@code gen} is below its {@code uid}'s entry, whose {@code sid} or {@code kid}
 * is listed, or with an actor in its {@code act} chain (RFC 8693) that is killed: each actor is
 * checked by the {@code uid} and {@code gen} it carries, as the token's user is (an actor
 * without them cannot be checked, and the token is refused). A token without {@code uid} and
 * {@code gen} (from a server before the list existed) is checked by {@code sid} and
 * {@code kid} only. A kill reaches the verifier within one poll. If no poll succeeds for
 * {@link TokenVerifierBuilder#maxStale} (120 s), {@link StalePolicy#FAIL_CLOSED} (the
 * default) refuses every token with {@link ServerUnavailableException} (answer 503: an outage
 * of the auth server longer than that stops the service) and {@link StalePolicy#FAIL_OPEN}
 * accepts them; either is logged once per outage. Without a list, a revoked token stays valid
 * here until it expires. Scopes are checked by the caller ({@link TokenClaims#requireScope}).
 *
 * <p><b>Keys:</b> fetched on the first verification (not at build time, so a service may start
 * before its auth server), refetched when the JWKS {@code max-age} passes (keys no longer
 * listed drop out; if the issuer cannot be reached then, the known keys stay in use), and on an
 * unknown {@code kid} at most once per {@link TokenVerifierBuilder#unknownKeyRefetchInterval} (so a flood of
 * forged kids cannot make it hammer the issuer; a genuinely new key within that interval of
 * such a flood is refused until it passes).
 *
 * <p><b>Speed:</b> tokens that verified before are remembered (bounded, by the SHA-256 of the
 * token); seeing one again costs a hash and a lookup, and still checks expiry and that its
 * key is still published. A token not seen before costs an ES256 verification: by the JDK, or
 * about ten times faster by Bouncy Castle when the application has it on its class path (see
 * the package documentation).
 *
 * <p><b>Thread-safety:</b> immutable configuration; {@link #verify} may be called from any
 * number of threads at once. {@link #close()} stops the poller; a verifier that is dropped
 * without it stops polling once it is garbage-collected.
 */
public final class TokenVerifier implements AutoCloseable {
    /** What to do with tokens while the revocation list cannot be refreshed for {@code maxStale}. */
    public enum StalePolicy {
        /** Refuse every token with {@link ServerUnavailableException} (a 503): kills always hold. */
        FAIL_CLOSED,
        /** Accept tokens as if there were no list: the service keeps working, kills may be missed. */
        FAIL_OPEN
    }

    private static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private final String issuer;
    private final String audience;
    private final long skewSeconds;
    private final Clock clock;
    private final JwksKeys keys;
    private final VerifiedTokenCache cache;
    private final RevocationList revocations; // null when there is no list to check
    private final URI publicBaseUrl;          // null: the request URI as given
    private final DpopProofCheck dpopProofs;
    private final ResourceMetadata metadata;
    private volatile boolean closed;

    TokenVerifier(TokenVerifierBuilder b, JwksKeys keys, RevocationList revocations) {
        this.issuer = b.issuer;
        this.audience = b.audience;
        this.skewSeconds = b.clockSkew.toSeconds();
        this.clock = b.clock;
        this.keys = keys;
        this.cache = new VerifiedTokenCache(b.cacheSize);
        this.revocations = revocations;
        this.publicBaseUrl = b.publicBaseUrl;
        this.metadata = new ResourceMetadata(b.resourceOrAudience(), b.issuer, b.scopesSupported);
        this.dpopProofs = new DpopProofCheck(b.dpopProofLifetime,
                b.dpopReplayCache != null ? b.dpopReplayCache : DpopReplayCache.inMemory(100_000), b.clock);
    }

    /**
     * A verifier for tokens from this issuer; the JWKS URL is discovered from its RFC 8414
     * metadata ({@code <issuer>/.well-known/oauth-authorization-server}), whose {@code issuer}
     * must match. The expected {@code iss} is this URL.
     *
     * @param issuerUrl the issuer, e.g. {@code https://auth.example.com}
     * @return a builder; set at least {@link TokenVerifierBuilder#audience}
     * @throws IllegalArgumentException the URL is not an absolute http(s) URL
     */
    public static TokenVerifierBuilder forIssuer(String issuerUrl) {
        URI issuer = Urls.base(issuerUrl, "issuer");
        return new TokenVerifierBuilder(issuer, null, issuer.toString());
    }

    /**
     * A verifier that reads keys from this JWKS URL directly; set the expected issuer with
     * {@link TokenVerifierBuilder#issuer}.
     *
     * @param jwksUrl e.g. {@code https://auth.example.com/.well-known/jwks.json}
     * @return a builder; set at least {@link TokenVerifierBuilder#issuer} and {@link TokenVerifierBuilder#audience}
     * @throws IllegalArgumentException the URL is not an absolute http(s) URL
     */
    public static TokenVerifierBuilder forJwks(String jwksUrl) {
        return new TokenVerifierBuilder(null, Urls.absolute(jwksUrl, "jwksUrl"), null);
    }

    /**
     * Verifies an access token.
     *
     * @param token the compact JWS, without {@code Bearer }
     * @return its claims
     * @throws InvalidTokenException the token is not acceptable; {@link InvalidTokenException#reason()} says why
     * @throws ServerUnavailableException the issuer could not be reached and no keys were fetched
     *     before (with keys at hand, an unknown {@code kid} is an {@link InvalidTokenException}),
     *     or its revocation list is stale under {@link StalePolicy#FAIL_CLOSED}
     * @throws AuthProtocolException the issuer's metadata or JWKS is not what was expected
     * @throws IllegalStateException the verifier was closed
     */
    public TokenClaims verify(String token) {
        return accept(token).claims();
    }

    /** Every check of the token itself; the caller adds how it was presented (Bearer, DPoP). */
    private Entry accept(String token) {
        if (closed) {
            throw new IllegalStateException("the TokenVerifier is closed");
        }
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidTokenException(Reason.MALFORMED, "the token is empty or longer than "
                    + MAX_TOKEN_LENGTH + " characters");
        }
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        Digest digest = VerifiedTokenCache.digest(bytes);
        long now = clock.millis() / 1000;
        Entry seen = cache.get(digest);
        if (seen != null) {
            checkTimes(seen.exp(), seen.nbf(), seen.iat(), now);
            if (keys.keys().keys().get(seen.kid()) == seen.key()) {
                return notRevoked(seen);
            }
            cache.remove(digest); // its key was dropped or replaced: verify from scratch
        }
        Entry verified = JwsCheck.verify(bytes, this::key, issuer, audience);
        checkTimes(verified.exp(), verified.nbf(), verified.iat(), now);
        cache.put(digest, verified);
        return notRevoked(verified);
    }

    private Entry notRevoked(Entry entry) {
        if (revocations != null) {
            revocations.check(entry.claims(), entry.kid(), entry.actors());
        }
        return entry;
    }

    /**
     * This resource's RFC 9728 metadata, to serve at {@link #resourceMetadataUrl()}:
     * {@code resource} ({@link TokenVerifierBuilder#resource}), {@code authorization_servers}
     * (the issuer), {@code scopes_supported} (if set), {@code bearer_methods_supported}
     * ({@code header}) and {@code dpop_signing_alg_values_supported} ({@code ES256}).
     *
     * <pre>{@code
     * app.get(verifier.resourceMetadataUrl().getPath(), ctx -> ctx.contentType("application/json")
     *         .result(verifier.resourceMetadata()));
     * }</pre>
     *
     * @return the JSON document
     * @throws IllegalStateException no resource was set and the audience is not a URL
     */
    public String resourceMetadata() {
        return metadata.json();
    }

    /**
     * Where clients look for {@link #resourceMetadata()} (RFC 9728 §3.1): the resource's URL
     * with {@code /.well-known/oauth-protected-resource} inserted before its path, e.g.
     * {@code https://api.example.com/.well-known/oauth-protected-resource/mcp} for
     * {@code https://api.example.com/mcp}.
     *
     * @return the metadata's URL
     * @throws IllegalStateException no resource was set and the audience is not a URL
     */
    public URI resourceMetadataUrl() {
        return metadata.url();
    }

    /**
     * The {@code WWW-Authenticate} value to answer a refused request with (RFC 6750 §3,
     * RFC 9449 §7.1, RFC 9728 §5.1): {@code Bearer resource_metadata="..."} when the request had
     * no token, with {@code error} and {@code error_description} when a token was refused (and
     * {@code scope} for {@link InsufficientScopeException}), or {@code DPoP ... algs="ES256"}
     * for a failed proof or a bound token sent as Bearer. The status is 401 for
     * {@link InvalidTokenException}, 403 for {@link InsufficientScopeException}.
     *
     * <pre>{@code
     * app.exception(InvalidTokenException.class, (e, ctx) -> ctx.status(401)
     *         .header("WWW-Authenticate", verifier.challenge(e)));
     * }</pre>
     *
     * @param failure what {@link #verify} or {@link TokenClaims#requireScope} threw, or null
     *     for a request without credentials
     * @return the header value (the description never holds a token); without a resource
     *     (see {@link #resourceMetadata()}) it has no {@code resource_metadata}
     */
    public String challenge(AgentAuthException failure) {
        return metadata.challenge(failure);
    }

    /**
     * Stops polling the revocation list. Afterwards {@link #verify} throws
     * {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (revocations != null) {
            revocations.close();
        }
    }

    /**
     * Verifies the token of an {@code Authorization: Bearer <token>} header (RFC 6750 §2.1;
     * the scheme is matched ignoring case).
     *
     * @param header the header value, or null when the request had none
     * @return the token's claims
     * @throws InvalidTokenException no Bearer token, or as {@link #verify}
     * @throws AgentAuthException as {@link #verify}
     */
    public TokenClaims verifyAuthorizationHeader(String header) {
        String token = credentials(header, "Bearer");
        if (token == null) {
            throw new InvalidTokenException(Reason.NO_TOKEN, "no Bearer token in the Authorization header");
        }
        return bearer(accept(token));
    }

    /**
     * Verifies the authorization of a request that may use DPoP (RFC 9449 §7): a bearer token
     * ({@code Authorization: Bearer}), or a DPoP-bound one ({@code Authorization: DPoP}) with
     * its proof, which must be signed by the key the token is bound to ({@code cnf.jkt}),
     * typed {@code dpop+jwt}, ES256, name this request's method and URL ({@code htm},
     * {@code htu}: compared after RFC 3986 normalization, query ignored), be recent
     * ({@code iat} within {@link TokenVerifierBuilder#dpopProofLifetime}), carry the token's
     * hash ({@code ath}), and never have been seen before (the {@code jti}, per key, in the
     * {@link TokenVerifierBuilder#dpopReplayCache}). A bound token presented as Bearer is
     * refused.
     *
     * @param method the request's method, e.g. {@code GET}
     * @param requestUri the URL the request was sent to; only its path is used when
     *     {@link TokenVerifierBuilder#publicBaseUrl} is set (behind a proxy that rewrites
     *     paths), and it may then be just the path
     * @param authorization the {@code Authorization} header, or null
     * @param dpop the {@code DPoP} header, or null; if the request had several, pass them
     *     joined with commas (as most servers do), which is refused
     * @return the token's claims
     * @throws InvalidTokenException the token or the proof is not acceptable; {@link InvalidTokenException#error()}
     *     says which ({@code invalid_token} or {@code invalid_dpop_proof})
     * @throws ServerUnavailableException as {@link #verify}, or the replay cache cannot answer
     * @throws AuthProtocolException as {@link #verify}
     * @throws IllegalArgumentException {@code requestUri} is relative and no public base URL is set
     * @throws IllegalStateException the verifier was closed
     */
    public TokenClaims verify(String method, URI requestUri, String authorization, String dpop) {
        String bearer = credentials(authorization, "Bearer");
        if (bearer != null) {
            return bearer(accept(bearer));
        }
        String token = credentials(authorization, "DPoP");
        if (token == null) {
            throw new InvalidTokenException(Reason.NO_TOKEN, "no Bearer or DPoP token in the Authorization header");
        }
        TokenClaims claims = accept(token).claims();
        if (claims.dpopKeyThumbprint() == null) {
            throw new InvalidTokenException(Reason.BEARER_AS_DPOP, "the token is not DPoP-bound but was presented as DPoP");
        }
        dpopProofs.verify(dpop, method, expectedHtu(requestUri), token, claims.dpopKeyThumbprint());
        return claims;
    }

    private static TokenClaims bearer(Entry entry) {
        if (entry.claims().dpopKeyThumbprint() != null) {
            throw new InvalidTokenException(Reason.DPOP_BOUND_AS_BEARER, "the token is DPoP-bound but was presented as Bearer");
        }
        return entry.claims();
    }

    /** The token of {@code <scheme> <token>} (the scheme in any case, RFC 9110 §11.1), or null. */
    private static String credentials(String header, String scheme) {
        int n = scheme.length();
        if (header == null || header.length() <= n + 1 || !header.regionMatches(true, 0, scheme, 0, n)
                || header.charAt(n) != ' ') {
            return null;
        }
        String token = header.substring(n + 1).trim();
        return token.isEmpty() ? null : token;
    }

    private String expectedHtu(URI requestUri) {
        if (publicBaseUrl != null) {
            String path = requestUri.getRawPath() == null ? "" : requestUri.getRawPath();
            return Urls.htu(URI.create(publicBaseUrl + (path.startsWith("/") ? path : "/" + path)));
        }
        if (!requestUri.isAbsolute() || requestUri.getHost() == null) {
            throw new IllegalArgumentException("a request URI without scheme and host needs publicBaseUrl");
        }
        return Urls.htu(requestUri);
    }

    private Es256Key key(String kid) {
        return keys.key(kid);
    }

    /** RFC 7519 §4.1.4-6, with the skew in the caller's favour on every side. */
    private void checkTimes(long exp, long nbf, long iat, long now) {
        if (now - skewSeconds >= exp) {
            throw new InvalidTokenException(Reason.EXPIRED, "the token has expired");
        }
        if (iat > now + skewSeconds || nbf > now + skewSeconds) {
            throw new InvalidTokenException(Reason.NOT_YET_VALID, "the token is not valid yet (iat or nbf in the future)");
        }
    }

    /** Names the issuer, audience and the ES256 engine in use; a verifier holds no secrets. */
    @Override
    public String toString() {
        return "TokenVerifier[issuer=" + issuer + ", audience=" + audience + ", skew=" + skewSeconds + "s, es256="
                + Es256Key.ENGINE.name() + "]";
    }
}
