package agentauth.client;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.spec.ECFieldFp;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * A P-256 public key for ES256 verification (RFC 7518 §3.4), in the form the engine in use
 * needs. The checks that must not depend on the engine (or on the JDK's version: JDK 15 to
 * 17.0.2 accepted the all-zero signature, CVE-2022-21449) are done here: the point is on the
 * curve, and 0 < r, s < n. Immutable and thread-safe.
 */
final class Es256Key {
    static final Es256Engine ENGINE = Es256Engine.fastest();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private static final BigInteger P = ((ECFieldFp) JdkEs256.P256.getCurve().getField()).getP();
    private static final BigInteger A = JdkEs256.P256.getCurve().getA();
    private static final BigInteger B = JdkEs256.P256.getCurve().getB();
    private static final BigInteger N = JdkEs256.P256.getOrder();

    private final byte[] x;
    private final byte[] y;
    private final Object engineKey;
    private volatile String thumbprint; // computed on first use

    private Es256Key(byte[] x, byte[] y, Object engineKey) {
        this.x = x;
        this.y = y;
        this.engineKey = engineKey;
    }

    /**
     * The key with affine coordinates x, y (JWK {@code x}, {@code y}: 32 bytes each).
     *
     * @throws IllegalArgumentException the coordinates are not a point of P-256 (an
     *     invalid-curve key from a tampered JWKS is refused here)
     */
    static Es256Key of(byte[] x, byte[] y) {
        if (x.length != 32 || y.length != 32) {
            throw new IllegalArgumentException("P-256 coordinates are 32 bytes");
        }
        BigInteger bx = new BigInteger(1, x);
        BigInteger by = new BigInteger(1, y);
        // y² = x³ + ax + b (mod p), coordinates in [0, p); the cofactor is 1, so that is the whole check
        if (bx.compareTo(P) >= 0 || by.compareTo(P) >= 0
                || !by.modPow(BigInteger.TWO, P).equals(bx.pow(3).add(A.multiply(bx)).add(B).mod(P))) {
            throw new IllegalArgumentException("not a point of P-256");
        }
        return new Es256Key(x.clone(), y.clone(), ENGINE.publicKey(bx, by));
    }

    /**
     * The key of a public JWK (RFC 7518 §6.2.1): {@code kty} EC, {@code crv} P-256, {@code x}
     * and {@code y} in unpadded base64url of exactly 32 bytes each, in that one encoding (so
     * that its RFC 7638 thumbprint is the one every party computes).
     *
     * @throws IllegalArgumentException anything else
     */
    static Es256Key fromJwk(Map<String, Object> jwk) {
        String x = JsonReader.string(jwk, "x");
        String y = JsonReader.string(jwk, "y");
        if (!"EC".equals(JsonReader.string(jwk, "kty")) || !"P-256".equals(JsonReader.string(jwk, "crv"))
                || x == null || y == null) {
            throw new IllegalArgumentException("not a P-256 JWK");
        }
        Es256Key key = of(Base64.getUrlDecoder().decode(x), Base64.getUrlDecoder().decode(y));
        if (!key.jwkX().equals(x) || !key.jwkY().equals(y)) {
            throw new IllegalArgumentException("x or y is not in canonical base64url");
        }
        return key;
    }

    String jwkX() {
        return B64.encodeToString(x);
    }

    String jwkY() {
        return B64.encodeToString(y);
    }

    /** The public JWK, to write into a JWS header. */
    JsonWriter jwk() {
        return new JsonWriter().field("kty", "EC").field("crv", "P-256").field("x", jwkX()).field("y", jwkY());
    }

    /** RFC 7638 §3: SHA-256 of the required members in lexicographic order, no spaces; base64url. */
    String thumbprint() {
        String t = thumbprint;
        if (t == null) {
            t = computeThumbprint();
            thumbprint = t;
        }
        return t;
    }

    private String computeThumbprint() {
        String members = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + jwkX() + "\",\"y\":\"" + jwkY() + "\"}";
        return B64.encodeToString(VerifiedTokenCache.sha256().digest(members.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Whether {@code signature} (R || S, 32 bytes each) signs {@code input[0, length)}. */
    boolean verify(byte[] input, int length, byte[] signature) {
        if (signature.length != 64 || !inRange(signature, 0) || !inRange(signature, 32)) {
            return false;
        }
        return ENGINE.verify(engineKey, input, length, signature);
    }

    /** Same coordinates: lets a refetched JWKS keep the object (and the engine's precomputation). */
    boolean sameKey(Es256Key other) {
        return Arrays.equals(x, other.x) && Arrays.equals(y, other.y);
    }

    private static boolean inRange(byte[] signature, int offset) {
        BigInteger v = new BigInteger(1, signature, offset, 32);
        return v.signum() > 0 && v.compareTo(N) < 0;
    }
}
