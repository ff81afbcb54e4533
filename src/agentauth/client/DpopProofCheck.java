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
import java.util.function.Consumer;

/**
 * The checks of a DPoP proof (RFC 9449 §4.3), cheap ones first and the replay record last, so
 * that a refused proof never fills the replay cache. {@link TokenVerifier} uses it for proofs
 * that come with a bound access token; the agent-auth server uses the same checks at its token
 * endpoints (where no token is presented yet) and for its own resources. Thread-safe.
 */
public final class DpopProofCheck {
    /** How far ahead of this clock a proof's {@code iat} may be. */
    public static final Duration AHEAD = Duration.ofSeconds(5);
    private static final int LONGEST_PROOF = 8 * 1024;
    private static final int LONGEST_JTI = 128;
    /** RFC 7518 §6.2.2 and §6.3.2, and a symmetric key's k: none may appear in a public key. */
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    private static final int MOST_KEYS = 10_000;

    /**
     * A proof that passed every check: its key's RFC 7638 thumbprint, {@code jti}, {@code iat},
     * {@code nonce} (or null), and until when it must be recorded as used (after that its
     * {@code iat} refuses it anyway).
     */
    public record Proof(String thumbprint, String jti, Instant issuedAt, String nonce, Instant recordUntil) {}

    /**
     * A proof refused by one check. {@link #check()} names it in a fixed vocabulary (missing,
     * malformed, signature, key_mismatch, htm, htu, iat, ath, replay), for counting; the message
     * says more and never quotes the proof.
     */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String check;

        Refused(String check, String message) {
            super(message, null, false, false);
            this.check = check;
        }

        /** @return the check that failed, one of the fixed names above */
        public String check() {
            return check;
        }
    }

    private final Duration lifetime;
    private final DpopReplayCache replays;
    private final Clock clock;
    /** Agents' keys by their JWK x and y: the point check done once, and the engine's precomputation kept. */
    private final Map<String, Es256Key> keys = new ConcurrentHashMap<>();

    /**
     * @param lifetime how old (by its {@code iat}) a proof may be; it may be {@link #AHEAD} in the future
     * @param replays where accepted proofs are recorded, each for {@code lifetime} + {@link #AHEAD}
     * @param clock the time {@code iat} is compared with
     */
    public DpopProofCheck(Duration lifetime, DpopReplayCache replays, Clock clock) {
        this.lifetime = lifetime;
        this.replays = replays;
        this.clock = clock;
    }

    /** For {@link TokenVerifier}: a proof for a bound token, refused as {@link Reason#DPOP_PROOF}. */
    void verify(String proof, String method, String expectedHtu, String accessToken, String jkt) {
        try {
            check(proof, method, expectedHtu, accessToken, jkt, null);
        } catch (Refused e) {
            throw new InvalidTokenException(Reason.DPOP_PROOF, e.getMessage());
        }
    }

    /**
     * Checks one proof and records it as used.
     *
     * @param proof the {@code DPoP} header's value, or null when there was none; several
     *     headers joined with commas are refused
     * @param method the request's method ({@code htm})
     * @param expectedHtu the request's URL as {@link #htu} normalizes it
     * @param accessToken the token the request presents (its hash must be {@code ath}), or null
     *     at a token endpoint, where {@code ath} is not checked
     * @param jkt the thumbprint the proof's key must have, or null for any key
     * @param nonceCheck called with the proof's {@code nonce} (or null) once every other check
     *     but the replay record passed; it throws to refuse the proof. Null: nonces are ignored
     * @return the proof's key thumbprint (RFC 7638), {@code jti}, {@code iat} and {@code nonce}
     * @throws Refused the proof fails a check
     * @throws ServerUnavailableException the replay cache cannot answer
     */
    public Proof check(String proof, String method, String expectedHtu, String accessToken, String jkt,
                       Consumer<String> nonceCheck) {
        Proof checked = checkUnrecorded(proof, method, expectedHtu, accessToken, jkt, nonceCheck);
        if (!replays.firstUse(checked.thumbprint(), checked.jti(), checked.recordUntil())) {
            throw new Refused("replay", "the DPoP proof was used before (replay)");
        }
        return checked;
    }

    /**
     * Every check of {@link #check} but the replay record, for a caller that records the proof
     * itself, in one transaction with what the proof authorizes (the server's token endpoints):
     * it must then refuse the request when ({@link Proof#thumbprint}, {@link Proof#jti}) was
     * recorded before, and keep the record until {@link Proof#recordUntil}.
     *
     * @return the checked proof, not recorded
     * @throws Refused the proof fails a check
     */
    public Proof checkUnrecorded(String proof, String method, String expectedHtu, String accessToken, String jkt,
                                 Consumer<String> nonceCheck) {
        if (proof == null || proof.isEmpty()) {
            throw new Refused("missing", "no DPoP proof came with the request");
        }
        if (proof.length() > LONGEST_PROOF || proof.indexOf(',') >= 0) { // a JWS has no comma: two joined headers
            throw new Refused("malformed", "the request has more than one DPoP header, or one longer than " + LONGEST_PROOF);
        }
        CompactJws jws;
        try {
            jws = CompactJws.parse(proof.getBytes(StandardCharsets.US_ASCII), Reason.DPOP_PROOF, "the DPoP proof");
        } catch (InvalidTokenException e) {
            throw new Refused("malformed", e.getMessage());
        }
        Es256Key key = key(jws.header());
        if (jkt != null && !key.thumbprint().equals(jkt)) {
            throw new Refused("key_mismatch", "the DPoP proof is signed by another key than the one the token is bound to");
        }
        Map<String, Object> claims;
        try {
            claims = jws.payload();
        } catch (InvalidTokenException e) {
            throw new Refused("malformed", e.getMessage());
        }
        String jti = JsonReader.string(claims, "jti");
        if (jti == null || jti.isEmpty() || jti.length() > LONGEST_JTI) {
            throw new Refused("malformed", "the DPoP proof's jti is missing or longer than " + LONGEST_JTI);
        }
        if (!method.equals(JsonReader.string(claims, "htm"))) {
            throw new Refused("htm", "the DPoP proof's htm is not the request's method");
        }
        if (!expectedHtu.equals(proofHtu(JsonReader.string(claims, "htu")))) {
            throw new Refused("htu", "the DPoP proof's htu is not the request's URL");
        }
        long iat = iat(claims);
        if (accessToken != null && !ath(accessToken).equals(JsonReader.string(claims, "ath"))) {
            throw new Refused("ath", "the DPoP proof's ath is not the hash of the token it came with");
        }
        if (!jws.signedBy(key)) {
            throw new Refused("signature", "the DPoP proof's signature does not verify");
        }
        Object nonce = claims.get("nonce");
        if (nonce != null && !(nonce instanceof String)) {
            throw new Refused("malformed", "the DPoP proof's nonce is not a string");
        }
        if (nonceCheck != null) {
            nonceCheck.accept((String) nonce);
        }
        return new Proof(key.thumbprint(), jti, Instant.ofEpochSecond(iat), (String) nonce,
                Instant.ofEpochSecond(iat).plus(lifetime).plus(AHEAD));
    }

    /**
     * A URL as {@code htu} is compared (RFC 9449 §4.3): without query and fragment, normalized
     * as RFC 3986 §6.2.2-6.2.3 says.
     *
     * @param uri an absolute http(s) URL
     * @return the normalized URL
     */
    public static String htu(URI uri) {
        return Urls.htu(uri);
    }

    /** The {@code ath} of a token: base64url of its SHA-256 (RFC 9449 §4.2). */
    static String ath(String accessToken) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                VerifiedTokenCache.sha256().digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
    }

    /** RFC 9449 §4.3 checks 4-7: typ, an asymmetric algorithm we allow (ES256), a public key. */
    private Es256Key key(Map<String, Object> header) {
        if (!"dpop+jwt".equalsIgnoreCase(JsonReader.string(header, "typ"))) {
            throw new Refused("malformed", "the DPoP proof's typ is not dpop+jwt");
        }
        if (!"ES256".equals(JsonReader.string(header, "alg"))) {
            throw new Refused("malformed", "the DPoP proof is not signed with ES256, the one algorithm accepted");
        }
        if (header.containsKey("crit")) {
            throw new Refused("malformed", "the DPoP proof has critical header extensions");
        }
        Map<String, Object> jwk = JsonReader.asObject(header.get("jwk"));
        if (jwk == null || PRIVATE_MEMBERS.stream().anyMatch(jwk::containsKey)) {
            throw new Refused("malformed", "the DPoP proof's jwk is missing or holds a private key");
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
            throw new Refused("malformed", "the DPoP proof's jwk is not a public P-256 key");
        }
        if (keys.size() >= MOST_KEYS) {
            keys.clear(); // a cache only: a key not found is checked again
        }
        keys.put(id, key);
        return key;
    }

    /** RFC 9449 §4.2: htu has no query or fragment; compared after RFC 3986 normalization. */
    private static String proofHtu(String htu) {
        try {
            URI uri = htu == null ? null : new URI(htu);
            if (uri == null || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw new Refused("htu", "the DPoP proof's htu is not an http(s) URL without query and fragment");
            }
            return Urls.htu(uri);
        } catch (URISyntaxException e) {
            throw new Refused("htu", "the DPoP proof's htu is not a URL");
        }
    }

    private long iat(Map<String, Object> claims) {
        if (!(claims.get("iat") instanceof Long iat)) {
            throw new Refused("iat", "the DPoP proof's iat is missing or not a whole number");
        }
        long now = clock.instant().getEpochSecond();
        if (iat < now - lifetime.toSeconds() || iat > now + AHEAD.toSeconds()) {
            throw new Refused("iat", "the DPoP proof's iat is outside the accepted window");
        }
        return iat;
    }
}
