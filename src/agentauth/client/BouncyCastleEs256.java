package agentauth.client;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * ES256 (ECDSA over P-256 with SHA-256, RFC 7518 §3.4) verification with Bouncy Castle's
 * lightweight API over its custom (fast) P-256 curve; several times faster than the JDK 17
 * provider, which matters for a verifier that sees every request of a service.
 */
final class BouncyCastleEs256 {
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN =
            new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());

    private BouncyCastleEs256() {
    }

    /**
     * The public key with affine coordinates x, y (JWK {@code x}, {@code y}: 32 bytes each).
     * Bouncy Castle validates the point (on the curve, not infinity, right order), so an
     * invalid-curve key from a tampered JWKS is refused here.
     *
     * @throws IllegalArgumentException the coordinates are not a valid P-256 public key
     */
    static ECPublicKeyParameters publicKey(byte[] x, byte[] y) {
        if (x.length != 32 || y.length != 32) {
            throw new IllegalArgumentException("P-256 coordinates are 32 bytes");
        }
        return new ECPublicKeyParameters(
                DOMAIN.getCurve().createPoint(new BigInteger(1, x), new BigInteger(1, y)), DOMAIN);
    }

    /**
     * Whether {@code signature} (JOSE form: R || S, 32 bytes each, RFC 7518 §3.4) signs
     * {@code input}. The signer checks 0 < r, s < n, so an all-zero signature never verifies.
     * Reusing the same key object lets Bouncy Castle keep its precomputed multiples of it.
     */
    static boolean verify(ECPublicKeyParameters key, byte[] input, int inputLength, byte[] signature) {
        if (signature.length != 64) {
            return false;
        }
        MessageDigest sha256 = sha256();
        sha256.update(input, 0, inputLength);
        ECDSASigner signer = new ECDSASigner();
        signer.init(false, key);
        return signer.verifySignature(sha256.digest(),
                new BigInteger(1, signature, 0, 32), new BigInteger(1, signature, 32, 32));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
