package agentauth.client;

import agentauth.client.InvalidTokenException.Reason;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The checks of a DPoP proof that comes with a bound access token (RFC 9449 §4.3, §7.1), cheap
 * ones first and the replay record last, so that a refused proof never fills the replay cache.
 * Every failure is {@link Reason#DPOP_PROOF} with a message naming the check. Thread-safe.
 */
final class DpopProofCheck {
    static final Duration AHEAD = Duration.ofSeconds(5);
    private static final int LONGEST_PROOF = 8 * 1024;
    private static final int LONGEST_JTI = 128;
    /** RFC 7518 §6.2.2 and §6.3.2, and a symmetric key's k: none may appear in a public key. */
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    private static final int MOST_KEYS = 10_000;

    private final Duration lifetime;
    private final DpopReplayCache replays;
    private final Clock clock;
    /** Agents' keys by their JWK x and y: the point check done once, and the engine's precomputation kept. */
    private final Map<String, Es256Key> keys = new ConcurrentHashMap<>();

    /** @param lifetime how old (by its {@code iat}) a proof may be; it may be {@link #AHEAD} in the future */
    DpopProofCheck(Duration lifetime, DpopReplayCache replays, Clock clock) {
        this.lifetime = lifetime;
        this.replays = replays;
        this.clock = clock;
    }

    /**
     * @param proof the {@code DPoP} header's value, or null when there was none
     * @param expectedHtu the request's URL, as {@link Urls#htu} normalizes it
     * @param jkt the access token's {@code cnf.jkt}
     */
    void verify(String proof, String method, String expectedHtu, String accessToken, String jkt) {
        if (proof == null || proof.isEmpty()) {
            throw fail("no DPoP proof came with the DPoP-bound token");
        }
        if (proof.length() > LONGEST_PROOF || proof.indexOf(',') >= 0) { // a JWS has no comma: two joined headers
            throw fail("the request has more than one DPoP header, or one longer than " + LONGEST_PROOF);
        }
        CompactJws jws = CompactJws.parse(proof.getBytes(StandardCharsets.US_ASCII), Reason.DPOP_PROOF, "the DPoP proof");
        Es256Key key = key(jws.header());
        if (!key.thumbprint().equals(jkt)) {
            throw fail("the DPoP proof is signed by another key than the one the token is bound to");
        }
        Map<String, Object> claims = jws.payload();
        String jti = JsonReader.string(claims, "jti");
        if (jti == null || jti.isEmpty() || jti.length() > LONGEST_JTI) {
            throw fail("the DPoP proof's jti is missing or longer than " + LONGEST_JTI);
        }
        if (!method.equals(JsonReader.string(claims, "htm"))) {
            throw fail("the DPoP proof's htm is not the request's method");
        }
        if (!expectedHtu.equals(htu(JsonReader.string(claims, "htu")))) {
            throw fail("the DPoP proof's htu is not the request's URL");
        }
        long iat = iat(claims);
        String ath = Base64.getUrlEncoder().withoutPadding().encodeToString(
                VerifiedTokenCache.sha256().digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
        if (!ath.equals(JsonReader.string(claims, "ath"))) {
            throw fail("the DPoP proof's ath is not the hash of the token it came with");
        }
        if (!jws.signedBy(key)) {
            throw fail("the DPoP proof's signature does not verify");
        }
        if (!replays.firstUse(jkt, jti, Instant.ofEpochSecond(iat).plus(lifetime).plusSeconds(1))) {
            throw fail("the DPoP proof was used before (replay)");
        }
    }

    /** RFC 9449 §4.3 checks 4-7: typ, an asymmetric algorithm we allow (ES256), a public key. */
    private Es256Key key(Map<String, Object> header) {
        if (!"dpop+jwt".equalsIgnoreCase(JsonReader.string(header, "typ"))) {
            throw fail("the DPoP proof's typ is not dpop+jwt");
        }
        if (!"ES256".equals(JsonReader.string(header, "alg"))) {
            throw fail("the DPoP proof is not signed with ES256, the one algorithm accepted");
        }
        if (header.containsKey("crit")) {
            throw fail("the DPoP proof has critical header extensions");
        }
        Map<String, Object> jwk = JsonReader.asObject(header.get("jwk"));
        if (jwk == null || PRIVATE_MEMBERS.stream().anyMatch(jwk::containsKey)) {
            throw fail("the DPoP proof's jwk is missing or holds a private key");
        }
        String id = JsonReader.string(jwk, "kty") + ' ' + JsonReader.string(jwk, "crv") + ' '
                + JsonReader.string(jwk, "x") + ' ' + JsonReader.string(jwk, "y");
        Es256Key key = keys.get(id);
        if (key != null) {
            return key;
        }
        try {
            key = Es256Key.fromJwk(jwk);
        } catch (IllegalArgumentException e) {
            throw fail("the DPoP proof's jwk is not a public P-256 key");
        }
        if (keys.size() >= MOST_KEYS) {
            keys.clear(); // a cache only: a key not found is checked again
        }
        keys.put(id, key);
        return key;
    }

    /** RFC 9449 §4.2: htu has no query or fragment; compared after RFC 3986 normalization. */
    private static String htu(String htu) {
        try {
            URI uri = htu == null ? null : new URI(htu);
            if (uri == null || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw fail("the DPoP proof's htu is not an http(s) URL without query and fragment");
            }
            return Urls.htu(uri);
        } catch (URISyntaxException e) {
            throw fail("the DPoP proof's htu is not a URL");
        }
    }

    private long iat(Map<String, Object> claims) {
        if (!(claims.get("iat") instanceof Long iat)) {
            throw fail("the DPoP proof's iat is missing or not a whole number");
        }
        long now = clock.instant().getEpochSecond();
        if (iat < now - lifetime.toSeconds() || iat > now + AHEAD.toSeconds()) {
            throw fail("the DPoP proof's iat is outside the accepted window");
        }
        return iat;
    }

    private static InvalidTokenException fail(String message) {
        return new InvalidTokenException(Reason.DPOP_PROOF, message);
    }
}
