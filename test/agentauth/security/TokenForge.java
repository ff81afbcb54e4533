package agentauth.security;

import agentauth.crypto.Es256;
import agentauth.crypto.TestKeys;
import agentauth.token.KeySet;
import agentauth.user.Account;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Makes access tokens for one running server: signed with its real current key (so a row fails
 * for its one flaw, not for its signature), with an attacker's keys, or not signed at all.
 * Headers and claims are plain maps written as JSON here, so a row can hold what no JWT library
 * would write (duplicate members, deep nesting, a crit header).
 */
final class TokenForge {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    final String issuer;
    final KeySet.Key serverKey;
    /** A second published key of the server (the next one): a kid that exists but did not sign. */
    final String otherPublishedKid;
    /** The server's current key as its JWKS publishes it (JSON text), the secret of a naive HMAC confusion. */
    final String publishedJwk;
    private final KeyPair attackerKeys = TestKeys.p256();
    final Algorithm attacker = es256(attackerKeys);
    private final Account user;

    TokenForge(String issuer, KeySet.Key serverKey, String otherPublishedKid, String publishedJwk, Account user) {
        this.issuer = issuer;
        this.serverKey = serverKey;
        this.otherPublishedKid = otherPublishedKid;
        this.publishedJwk = publishedJwk;
        this.user = user;
    }

    /** The header the server writes: ES256, at+jwt, its current kid. */
    Map<String, Object> header() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", "ES256");
        h.put("typ", "at+jwt");
        h.put("kid", serverKey.kid());
        return h;
    }

    /** The claims the server writes for the user, valid for ten minutes from now. */
    Map<String, Object> claims() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put("sub", user.username());
        c.put("aud", issuer);
        c.put("exp", now + 600);
        c.put("iat", now);
        c.put("jti", UUID.randomUUID().toString());
        c.put("client_id", user.username());
        c.put("scope", String.join(" ", user.scopes()));
        c.put("uid", user.uid());
        c.put("gen", user.gen());
        return c;
    }

    /** A token as the server would sign it. */
    String good() {
        return sign(serverKey.signer(), header(), claims());
    }

    /** Signed with the server's key, after {@code edit} changed the header. */
    String header(Consumer<Map<String, Object>> edit) {
        Map<String, Object> h = header();
        edit.accept(h);
        return sign(serverKey.signer(), h, claims());
    }

    /** Signed with the server's key, after {@code edit} changed the claims. */
    String claims(Consumer<Map<String, Object>> edit) {
        Map<String, Object> c = claims();
        edit.accept(c);
        return sign(serverKey.signer(), header(), c);
    }

    /** Signed by the attacker's ES256 key, after {@code edit} changed the header. */
    String byAttacker(Consumer<Map<String, Object>> edit) {
        Map<String, Object> h = header();
        edit.accept(h);
        return sign(attacker, h, claims());
    }

    /** The attacker's public key as a JWK, to embed in a header. */
    Map<String, Object> attackerJwk() {
        var point = TestKeys.pub(attackerKeys).getW();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("x", B64.encodeToString(coordinate(point.getAffineX())));
        jwk.put("y", B64.encodeToString(coordinate(point.getAffineY())));
        return jwk;
    }

    private static byte[] coordinate(BigInteger v) {
        byte[] raw = v.toByteArray(), out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }

    /** A good token whose signature (64 bytes, R||S) was changed by {@code edit}. */
    String signature(UnaryOperator<byte[]> edit) {
        String[] parts = good().split("\\.");
        return parts[0] + "." + parts[1] + "." + B64.encodeToString(edit.apply(Base64.getUrlDecoder().decode(parts[2])));
    }

    /** The same signature with S replaced by n - S: as valid in ECDSA, a different text. */
    static byte[] highS(byte[] jose) {
        return TestKeys.jose(TestKeys.r(jose), TestKeys.N.subtract(TestKeys.s(jose)));
    }

    static byte[] withR(byte[] jose, BigInteger r) {
        return TestKeys.jose(r, TestKeys.s(jose));
    }

    static byte[] withS(byte[] jose, BigInteger s) {
        return TestKeys.jose(TestKeys.r(jose), s);
    }

    static byte[] der(byte[] jose) {
        return TestKeys.der(jose);
    }

    String sign(Algorithm algorithm, Map<String, Object> header, Map<String, Object> claims) {
        return signRaw(algorithm, json(header), json(claims));
    }

    /** Signs exactly these JSON texts, with the alg the caller wrote into the header. */
    static String signRaw(Algorithm algorithm, String headerJson, String claimsJson) {
        String header = b64(headerJson), payload = b64(claimsJson);
        byte[] signature = algorithm.sign(header.getBytes(StandardCharsets.US_ASCII), payload.getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + B64.encodeToString(signature);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String text) {
        return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Algorithm es256(KeyPair pair) {
        return Es256.of(TestKeys.pub(pair), TestKeys.priv(pair));
    }

    static Algorithm rs256() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair pair = g.generateKeyPair();
            return Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate());
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
