package agentauth.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The issuer's signing keys by {@code kid}, fetched from its JWKS. Refetched when the JWKS's
 * {@code Cache-Control: max-age} has passed (keys no longer listed drop out) and, at most
 * once per {@code unknownKidInterval}, when a token names a key not in the set, so a flood of
 * forged kids costs the issuer one request per interval. Thread-safe: lookups read one
 * volatile snapshot; fetches are serialized.
 */
final class JwksKeys {
    private static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
    private static final Duration LONGEST_MAX_AGE = Duration.ofDays(1);

    /** One fetched JWKS; replaced, never changed. */
    record KeySet(Map<String, Es256Key> keys, Instant freshUntil) {
    }

    private final IssuerDocuments documents;
    private final Duration unknownKidInterval;
    private final Clock clock;

    private final Object fetchLock = new Object();
    private volatile URI jwksUri;
    private volatile KeySet current;
    private Instant lastUnknownKidFetch;   // guarded by fetchLock

    /** @param jwksUri the JWKS URL, or null to discover it from the issuer's metadata */
    JwksKeys(IssuerDocuments documents, URI jwksUri, Duration unknownKidInterval, Clock clock) {
        this.documents = documents;
        this.jwksUri = jwksUri;
        this.unknownKidInterval = unknownKidInterval;
        this.clock = clock;
    }

    /** The current keys, refetched first if their max-age has passed. */
    KeySet keys() {
        KeySet ks = current;
        if (ks != null && clock.instant().isBefore(ks.freshUntil())) {
            return ks;
        }
        synchronized (fetchLock) {
            ks = current;
            Instant now = clock.instant();
            if (ks != null && now.isBefore(ks.freshUntil())) {
                return ks;
            }
            try {
                return fetch();
            } catch (ServerUnavailableException | AuthProtocolException e) {
                if (ks == null) {
                    throw e;
                }
                // Availability over freshness: keep verifying with the keys we have, and ask
                // again after the unknown-kid interval rather than on every request.
                current = new KeySet(ks.keys(), now.plus(unknownKidInterval));
                return current;
            }
        }
    }

    /**
     * The key with this kid, refetching once per interval if unknown; null if there is none,
     * also when that refetch fails (only a verifier that never got any keys reports an outage).
     */
    Es256Key key(String kid) {
        Es256Key key = keys().keys().get(kid);
        if (key != null) {
            return key;
        }
        synchronized (fetchLock) {
            key = current.keys().get(kid);
            if (key != null) {
                return key; // another thread's fetch brought it
            }
            Instant now = clock.instant();
            if (lastUnknownKidFetch != null && now.isBefore(lastUnknownKidFetch.plus(unknownKidInterval))) {
                return null;
            }
            lastUnknownKidFetch = now;
            try {
                return fetch().keys().get(kid);
            } catch (ServerUnavailableException | AuthProtocolException e) {
                // We hold a key set and this kid is not in it: the token is invalid, whether or
                // not the issuer answers now. Reporting an outage would make callers retry it.
                return null;
            }
        }
    }

    /** Fetches, parses and publishes the JWKS. Caller holds fetchLock. */
    private KeySet fetch() {
        Instant now = clock.instant();
        IssuerDocuments.Document jwks = documents.get(jwksUri(), "the JWKS", null);
        Map<String, Es256Key> keys = new HashMap<>();
        if (!(jwks.json().get("keys") instanceof List<?> list)) {
            throw new AuthProtocolException("the JWKS at " + jwksUri + " has no \"keys\" array", 200);
        }
        KeySet previous = current;
        for (Object member : list) {
            Map<String, Object> jwk = JsonReader.asObject(member);
            String kid = jwk == null ? null : JsonReader.string(jwk, "kid");
            Es256Key key = kid == null ? null : es256Key(jwk);
            if (kid == null || key == null) {
                continue; // a key for another algorithm or use is not ours to judge
            }
            Es256Key old = previous == null ? null : previous.keys().get(kid);
            // Same object for an unchanged key: keeps the engine's precomputation and the token cache valid.
            keys.put(kid, old != null && old.sameKey(key) ? old : key);
        }
        KeySet ks = new KeySet(Map.copyOf(keys), now.plus(maxAge(jwks)));
        current = ks;
        return ks;
    }

    private static Es256Key es256Key(Map<String, Object> jwk) {
        String alg = text(jwk, "alg");
        String use = text(jwk, "use");
        if (!"EC".equals(text(jwk, "kty")) || !"P-256".equals(text(jwk, "crv"))
                || (alg != null && !alg.equals("ES256")) || (use != null && !use.equals("sig"))) {
            return null;
        }
        try {
            return Es256Key.fromJwk(jwk);
        } catch (IllegalArgumentException notAValidPoint) {
            return null;
        }
    }

    private URI jwksUri() {
        if (jwksUri == null) {
            jwksUri = documents.discovered("jwks_uri").orElseThrow(() -> new AuthProtocolException(
                    "the server metadata names no jwks_uri", 200));
        }
        return jwksUri;
    }

    /** The JWKS's max-age, at least a second (max-age=0 must not make every check a fetch), at most a day. */
    private static Duration maxAge(IssuerDocuments.Document document) {
        Duration d = document.maxAge().orElse(DEFAULT_MAX_AGE);
        return d.compareTo(LONGEST_MAX_AGE) > 0 ? LONGEST_MAX_AGE : d.isZero() ? Duration.ofSeconds(1) : d;
    }

    private static String text(Map<String, Object> json, String field) {
        return JsonReader.string(json, field);
    }
}
