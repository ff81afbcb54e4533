package agentauth.client;

import agentauth.client.InvalidTokenException.Reason;
import agentauth.client.VerifiedTokenCache.Entry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The full check of a token not seen before: structure, header, signature, then claims, in
 * that order, so nothing from the payload is trusted before the signature holds. Times are
 * left to the caller, which checks them on every use. Stateless.
 */
final class JwsCheck {
    /** 9999-12-31T23:59:59Z: later NumericDates are not dates an issuer means. */
    private static final long LAST_SECOND = 253402300799L;

    private JwsCheck() {
    }

    static Entry verify(byte[] token, Function<String, Es256Key> keys, String issuer, String audience) {
        CompactJws jws = CompactJws.parse(token, Reason.MALFORMED, "the token");
        Map<String, Object> header = jws.header();
        // RFC 8725 §3.1: the algorithm is the key's (ES256); the header must merely agree.
        if (!"ES256".equals(text(header, "alg"))) {
            throw new InvalidTokenException(Reason.WRONG_ALGORITHM, "the token is not signed with ES256");
        }
        String typ = text(header, "typ");
        if (typ == null || !(typ.equalsIgnoreCase("at+jwt") || typ.equalsIgnoreCase("application/at+jwt"))) {
            throw new InvalidTokenException(Reason.WRONG_TYPE, "the token's typ is not at+jwt (RFC 9068)");
        }
        if (header.containsKey("crit")) { // RFC 7515 §4.1.11: we understand no extension
            throw new InvalidTokenException(Reason.WRONG_TYPE, "the token has critical header extensions");
        }
        String kid = text(header, "kid");
        Es256Key key = kid == null ? null : keys.apply(kid);
        if (key == null) {
            throw new InvalidTokenException(Reason.UNKNOWN_KEY, "the token's kid names no published key");
        }
        if (!jws.signedBy(key)) {
            throw new InvalidTokenException(Reason.BAD_SIGNATURE, "the token's signature does not verify");
        }
        return claims(jws.payload(), kid, key, issuer, audience);
    }

    private static Entry claims(Map<String, Object> p, String kid, Es256Key key, String issuer, String audience) {
        if (!issuer.equals(text(p, "iss"))) {
            throw new InvalidTokenException(Reason.WRONG_ISSUER, "the token is not from the expected issuer");
        }
        List<String> aud = audiences(p.get("aud"));
        if (!aud.contains(audience)) {
            throw new InvalidTokenException(Reason.WRONG_AUDIENCE, "the token is not for this audience");
        }
        long exp = time(p, "exp", true);
        long iat = time(p, "iat", true);
        long nbf = time(p, "nbf", false);
        String sub = required(p, "sub");
        String clientId = required(p, "client_id");
        String jti = required(p, "jti");
        Object scope = p.get("scope");
        if (scope != null && !(scope instanceof String)) {
            throw malformed("the token's scope is not a string");
        }
        Set<String> scopes = new LinkedHashSet<>();
        if (scope instanceof String s && !s.isBlank()) {
            scopes.addAll(Arrays.asList(s.trim().split(" +")));
        }
        TokenClaims claims = new TokenClaims(sub, clientId, scopes, Instant.ofEpochSecond(exp),
                Instant.ofEpochSecond(iat), jti, text(p, "sid"), aud, optionalText(p, "uid"), generation(p),
                boundKey(p));
        return new Entry(claims, kid, key, exp, nbf, iat, actors(p));
    }

    /**
     * RFC 9449 §6.1 {@code cnf.jkt}, or null for a bearer token. A token confirmed by another
     * method (an mTLS certificate, say) is refused: its binding could not be checked here.
     */
    private static String boundKey(Map<String, Object> claims) {
        Object cnf = claims.get("cnf");
        if (cnf == null) {
            return null;
        }
        Map<String, Object> confirmation = JsonReader.asObject(cnf);
        String jkt = confirmation == null ? null : JsonReader.string(confirmation, "jkt");
        if (jkt == null || jkt.isEmpty()) {
            throw malformed("the token is bound (cnf) by a method other than DPoP's jkt");
        }
        return jkt;
    }

    /** {@code gen}: a whole number from zero, or absent. */
    private static Long generation(Map<String, Object> claims) {
        Object gen = claims.get("gen");
        if (gen != null && !(gen instanceof Long g && g >= 0)) {
            throw malformed("the token's gen is not a whole number");
        }
        return (Long) gen;
    }

    /** RFC 8693 §4.1: {@code act} names the current actor and nests the ones before it. */
    private static List<RevocationDocument.Actor> actors(Map<String, Object> claims) {
        List<RevocationDocument.Actor> actors = new ArrayList<>();
        for (Object act = claims.get("act"); act != null; act = JsonReader.asObject(act).get("act")) {
            Map<String, Object> actor = JsonReader.asObject(act);
            if (actor == null) {
                throw malformed("the token's act is not an object");
            }
            actors.add(new RevocationDocument.Actor(optionalText(actor, "uid"), generation(actor)));
        }
        return List.copyOf(actors);
    }

    private static String optionalText(Map<String, Object> json, String member) {
        Object value = json.get(member);
        if (value != null && !(value instanceof String)) {
            throw malformed("the token's " + member + " is not a string");
        }
        return (String) value;
    }

    /** RFC 7519 §4.1.3: a string or an array of strings. */
    private static List<String> audiences(Object aud) {
        List<String> list = new ArrayList<>();
        if (aud instanceof String s) {
            list.add(s);
        } else if (aud instanceof List<?> array) {
            for (Object a : array) {
                if (!(a instanceof String s)) {
                    throw malformed("the token's aud is not a string or strings");
                }
                list.add(s);
            }
        } else {
            throw malformed("the token has no aud");
        }
        return list;
    }

    /** A NumericDate (RFC 7519 §2), fractions dropped; Long.MIN_VALUE when optional and absent. */
    private static long time(Map<String, Object> p, String claim, boolean required) {
        Object n = p.get(claim);
        if (n == null && !required) {
            return Long.MIN_VALUE;
        }
        if (!(n instanceof Number date) || date.doubleValue() < 0 || date.doubleValue() > LAST_SECOND) {
            throw malformed("the token's " + claim + " is missing or not a date");
        }
        return date instanceof Long whole ? whole : (long) Math.floor(date.doubleValue());
    }

    private static String required(Map<String, Object> p, String claim) {
        String value = text(p, claim);
        if (value == null || value.isEmpty()) {
            throw malformed("the token has no " + claim);
        }
        return value;
    }

    private static String text(Map<String, Object> json, String field) {
        return JsonReader.string(json, field);
    }

    private static InvalidTokenException malformed(String message) {
        return new InvalidTokenException(Reason.MALFORMED, message);
    }
}
