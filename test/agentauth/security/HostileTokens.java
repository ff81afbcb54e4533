package agentauth.security;

import agentauth.client.InvalidTokenException.Reason;
import com.auth0.jwt.algorithms.Algorithm;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one table of hostile access tokens that both verifiers must judge alike: the server's own
 * check ({@code token.AccessTokens}, behind {@code GET /me}) and the client library's offline
 * {@code TokenVerifier}. Each row is a token made for the running server by a {@link TokenForge},
 * flawed in one way only (the rest is signed by the server's real key unless the row says
 * otherwise), and the verdict each verifier must give. A row that only the server can refuse
 * says why.
 */
final class HostileTokens {
    /**
     * One row. {@code clientReason} is the reason the client must give when it refuses;
     * {@code clientAccepts} rows carry {@code why} the offline verifier cannot refuse them.
     */
    record Row(String name, Function<TokenForge, String> token, boolean serverAccepts, boolean clientAccepts,
               Reason clientReason, String why) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Row> ROWS = new ArrayList<>();

    private HostileTokens() {}

    private static void accepted(String name, Function<TokenForge, String> token) {
        ROWS.add(new Row(name, token, true, true, null, null));
    }

    private static void refused(String name, Reason clientReason, Function<TokenForge, String> token) {
        ROWS.add(new Row(name, token, false, false, clientReason, null));
    }

    private static void refusedByTheServerOnly(String name, String why, Function<TokenForge, String> token) {
        ROWS.add(new Row(name, token, false, true, null, why));
    }

    static {
        // Controls: what the server signs passes both, so every other row fails for its own flaw.
        accepted("control: a token as the server signs it", TokenForge::good);
        // ECDSA and JWS have no low-S rule (crypto.Es256 says why): both must agree on that too.
        accepted("the same token with its signature's S replaced by n - S (high S)", f -> f.signature(TokenForge::highS));

        // The algorithm comes from the key, never from the header (RFC 8725 §3.1).
        refused("alg none, signature dropped", Reason.WRONG_ALGORITHM, f -> unsigned(f, ""));
        refused("alg none, the real signature kept", Reason.WRONG_ALGORITHM, f -> unsigned(f, f.good().split("\\.")[2]));
        refused("HS256 keyed with the server's public key (X.509 bytes)", Reason.WRONG_ALGORITHM,
            f -> f.sign(Algorithm.HMAC256(f.serverKey.publicKey().getEncoded()), withAlg(f, "HS256"), f.claims()));
        refused("HS256 keyed with the server's published JWK text", Reason.WRONG_ALGORITHM,
            f -> f.sign(Algorithm.HMAC256(f.publishedJwk.getBytes(StandardCharsets.UTF_8)), withAlg(f, "HS256"), f.claims()));
        refused("RS256 by an attacker's RSA key under the real kid", Reason.WRONG_ALGORITHM,
            f -> f.sign(TokenForge.rs256(), withAlg(f, "RS256"), f.claims()));
        refused("ES384 in the header over the server's real ES256 signature", Reason.WRONG_ALGORITHM,
            f -> f.header(h -> h.put("alg", "ES384")));

        // Keys: the kid selects a published key, and only that key's signature counts.
        refused("the kid of another published key of the server", Reason.BAD_SIGNATURE,
            f -> f.header(h -> h.put("kid", f.otherPublishedKid)));
        refused("an unknown kid, signed by the attacker", Reason.UNKNOWN_KEY, f -> f.byAttacker(h -> h.put("kid", "attacker-key")));
        refused("no kid", Reason.UNKNOWN_KEY, f -> f.header(h -> h.remove("kid")));
        refused("the real kid, signed by another ES256 key", Reason.BAD_SIGNATURE, f -> f.byAttacker(h -> {}));
        refused("jku pointing at the attacker's JWKS", Reason.BAD_SIGNATURE,
            f -> f.byAttacker(h -> h.put("jku", "http://127.0.0.1:9/jwks.json")));
        refused("x5u pointing at the attacker's certificate", Reason.BAD_SIGNATURE,
            f -> f.byAttacker(h -> h.put("x5u", "http://127.0.0.1:9/cert.pem")));
        refused("the attacker's public key embedded as jwk", Reason.BAD_SIGNATURE, f -> f.byAttacker(h -> h.put("jwk", f.attackerJwk())));

        // Type (RFC 9068 §2.1) and critical extensions (RFC 7515 §4.1.11: none is understood).
        refused("typ JWT", Reason.WRONG_TYPE, f -> f.header(h -> h.put("typ", "JWT")));
        refused("no typ", Reason.WRONG_TYPE, f -> f.header(h -> h.remove("typ")));
        refused("crit naming an extension", Reason.WRONG_TYPE,
            f -> f.header(h -> { h.put("crit", List.of("urn:example:ext")); h.put("urn:example:ext", true); }));

        // Times, beyond either verifier's clock skew.
        refused("expired ten minutes ago", Reason.EXPIRED,
            f -> f.claims(c -> {
                long now = seconds(c);
                c.put("iat", now - 1200);
                c.put("exp", now - 600);
            }));
        refused("nbf an hour ahead", Reason.NOT_YET_VALID, f -> f.claims(c -> c.put("nbf", seconds(c) + 3600)));
        refused("iat an hour ahead", Reason.NOT_YET_VALID, f -> f.claims(c -> c.put("iat", seconds(c) + 3600)));
        refused("no exp", Reason.MALFORMED, f -> f.claims(c -> c.remove("exp")));
        refused("no iat", Reason.MALFORMED, f -> f.claims(c -> c.remove("iat")));
        refused("exp as a string", Reason.MALFORMED, f -> f.claims(c -> c.put("exp", "tomorrow")));

        // Who issued it, for whom, about whom.
        refused("another issuer", Reason.WRONG_ISSUER, f -> f.claims(c -> c.put("iss", "https://evil.example")));
        refused("another audience", Reason.WRONG_AUDIENCE, f -> f.claims(c -> c.put("aud", "https://api.example")));
        refused("no aud", Reason.MALFORMED, f -> f.claims(c -> c.remove("aud")));
        refused("aud twice, ours then another", Reason.MALFORMED, f -> TokenForge.signRaw(f.serverKey.signer(),
            TokenForge.json(f.header()), appendMember(TokenForge.json(f.claims()), "aud", "\"https://other.example\"")));
        refused("no sub", Reason.MALFORMED, f -> f.claims(c -> c.remove("sub")));
        String offline = "an offline verifier checks uid and gen against the revocation list only, and accepts a token "
            + "without them as one from a server before the list (TokenVerifier's javadoc)";
        refusedByTheServerOnly("no uid", offline, f -> f.claims(c -> c.remove("uid")));
        refusedByTheServerOnly("no gen", offline, f -> f.claims(c -> c.remove("gen")));
        refusedByTheServerOnly("a user that does not exist", "which users exist is the server's live state, not in the token",
            f -> f.claims(c -> { c.put("sub", "ghost"); c.put("client_id", "ghost"); }));

        // Tampering with a real token.
        refused("payload swapped for one granting more, real signature", Reason.BAD_SIGNATURE, f -> {
            Map<String, Object> more = f.claims();
            more.put("scope", "read admin introspect");
            String[] parts = f.good().split("\\.");
            return parts[0] + "." + TokenForge.b64(TokenForge.json(more)) + "." + parts[2];
        });
        refused("one bit of the signature flipped", Reason.BAD_SIGNATURE, f -> f.signature(s -> { s[40] ^= 0x01; return s; }));
        refused("a DER-encoded signature instead of R||S", Reason.BAD_SIGNATURE, f -> f.signature(TokenForge::der));
        refused("r = 0", Reason.BAD_SIGNATURE, f -> f.signature(s -> TokenForge.withR(s, BigInteger.ZERO)));
        refused("s = 0", Reason.BAD_SIGNATURE, f -> f.signature(s -> TokenForge.withS(s, BigInteger.ZERO)));
        refused("r = n, the group order", Reason.BAD_SIGNATURE, f -> f.signature(s -> TokenForge.withR(s, agentauth.crypto.TestKeys.N)));
        refused("64 zero bytes as the signature", Reason.BAD_SIGNATURE, f -> f.signature(s -> new byte[64]));
        refused("the signature cut to 63 bytes", Reason.BAD_SIGNATURE, f -> f.signature(s -> java.util.Arrays.copyOf(s, 63)));
        refused("the signature in padded base64", Reason.MALFORMED, f -> f.good() + "==");

        // Structure.
        refused("the token cut short in its signature", Reason.BAD_SIGNATURE, f -> f.good().substring(0, f.good().length() - 7));
        refused("the signature removed, its dot kept", Reason.BAD_SIGNATURE, f -> f.good().substring(0, f.good().lastIndexOf('.') + 1));
        refused("two segments", Reason.MALFORMED, f -> f.good().substring(0, f.good().lastIndexOf('.')));
        refused("a fourth segment", Reason.MALFORMED, f -> f.good() + ".extra");
        refused("an empty token", Reason.MALFORMED, f -> "");
        refused("one segment", Reason.MALFORMED, f -> "abc");
        refused("four dots and nothing else", Reason.MALFORMED, f -> "....");
        refused("a.b.c", Reason.MALFORMED, f -> "a.b.c");
        refused("percent signs: not base64url", Reason.MALFORMED, f -> "%%%.%%%.%%%");
        refused("a character outside base64url in the payload", Reason.BAD_SIGNATURE, f -> {
            String[] parts = f.good().split("\\.");
            return parts[0] + "." + parts[1].substring(0, 10) + "*" + parts[1].substring(11) + "." + parts[2];
        });
        refused("6000 characters of A", Reason.MALFORMED, f -> "A".repeat(6000));
        refused("a JSON array as the payload, signed by the server", Reason.MALFORMED,
            f -> TokenForge.signRaw(f.serverKey.signer(), TokenForge.json(f.header()), "[]"));
        refused("a header without typ over an array and no signature", Reason.WRONG_TYPE,
            f -> TokenForge.b64("{\"alg\":\"ES256\"}") + "." + TokenForge.b64("[]") + ".x");
        // Sizes: under the server's 8 KB of request headers, so that its token check, not Jetty, judges them.
        refused("a header nested 1200 deep, under the real kid", Reason.MALFORMED,
            f -> TokenForge.signRaw(f.attacker, appendMember(TokenForge.json(f.header()), "x", "[".repeat(1200) + "]".repeat(1200)),
                TokenForge.json(f.claims())));
        refused("a 4 KB header under the real kid, signed by the attacker", Reason.BAD_SIGNATURE,
            f -> f.byAttacker(h -> h.put("x", "x".repeat(4_000))));
    }

    private static long seconds(Map<String, Object> claims) {
        return ((Number) claims.get("exp")).longValue() - 600; // the forge's now
    }

    private static Map<String, Object> withAlg(TokenForge f, String alg) {
        Map<String, Object> h = f.header();
        h.put("alg", alg);
        return h;
    }

    /** The server's claims under {"alg":"none"}, with {@code signature} as the third part. */
    private static String unsigned(TokenForge f, String signature) {
        Map<String, Object> h = withAlg(f, "none");
        return TokenForge.b64(TokenForge.json(h)) + "." + TokenForge.b64(TokenForge.json(f.claims())) + "." + signature;
    }

    /** The JSON object text with {@code member} appended as {@code valueJson}: a second one, or one no map could hold. */
    private static String appendMember(String objectJson, String member, String valueJson) {
        return objectJson.substring(0, objectJson.length() - 1) + "," + TokenForge.json(member) + ":" + valueJson + "}";
    }
}
