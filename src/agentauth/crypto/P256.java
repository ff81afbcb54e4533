package agentauth.crypto;

import java.math.BigInteger;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointUtil;

/**
 * The NIST P-256 curve (secp256r1) in Bouncy Castle's fast custom-field form, the conversion of
 * JDK keys onto it, and the JOSE R||S signature codec of RFC 7518 §3.4.
 */
final class P256 {
    /** Bytes in one field element or scalar, and so in each half of a JOSE signature. */
    static final int SCALAR_BYTES = 32;
    static final int SIGNATURE_BYTES = 2 * SCALAR_BYTES;

    static final ECDomainParameters DOMAIN;
    static final BigInteger N;

    static {
        X9ECParameters x9 = CustomNamedCurves.getByName("secp256r1");
        DOMAIN = new ECDomainParameters(x9);
        N = DOMAIN.getN();
        // The comb table for G is cached on the point; building it here keeps its one-time cost
        // (~1 ms) out of the first request.
        FixedPointUtil.precompute(DOMAIN.getG());
    }

    private P256() {}

    /** True when the key's domain parameters are exactly P-256's, whoever generated the key. */
    static boolean isP256(ECKey key) {
        ECParameterSpec spec = key.getParams();
        if (spec == null || !(spec.getCurve().getField() instanceof ECFieldFp field)) {
            return false;
        }
        java.security.spec.ECPoint g = spec.getGenerator();
        return spec.getCofactor() == 1
            && spec.getOrder().equals(N)
            && field.getP().equals(DOMAIN.getCurve().getField().getCharacteristic())
            && spec.getCurve().getA().equals(DOMAIN.getCurve().getA().toBigInteger())
            && spec.getCurve().getB().equals(DOMAIN.getCurve().getB().toBigInteger())
            && g.getAffineX().equals(DOMAIN.getG().getAffineXCoord().toBigInteger())
            && g.getAffineY().equals(DOMAIN.getG().getAffineYCoord().toBigInteger());
    }

    /**
     * @throws IllegalArgumentException if the key is not on P-256 or its point is invalid
     */
    static ECPublicKeyParameters publicKey(ECPublicKey key) {
        requireP256(key);
        java.security.spec.ECPoint w = key.getW();
        if (w == java.security.spec.ECPoint.POINT_INFINITY) {
            throw new IllegalArgumentException("the public key is the point at infinity");
        }
        ECPoint q = DOMAIN.getCurve().createPoint(w.getAffineX(), w.getAffineY());
        // The constructor checks that Q is on the curve and not the point at infinity.
        return new ECPublicKeyParameters(q, DOMAIN);
    }

    /**
     * @throws IllegalArgumentException if the key is not on P-256 or its scalar is out of range
     */
    static ECPrivateKeyParameters privateKey(ECPrivateKey key) {
        requireP256(key);
        // The constructor checks 0 < d < n.
        return new ECPrivateKeyParameters(key.getS(), DOMAIN);
    }

    private static void requireP256(ECKey key) {
        if (!isP256(key)) {
            throw new IllegalArgumentException("ES256 needs a key on P-256 (secp256r1)");
        }
    }

    /** RFC 7518 §3.4: R and S as 32-byte big-endian unsigned integers, left-padded, concatenated. */
    static byte[] toJose(BigInteger r, BigInteger s) {
        byte[] out = new byte[SIGNATURE_BYTES];
        writeUnsigned(r, out, 0);
        writeUnsigned(s, out, SCALAR_BYTES);
        return out;
    }

    private static void writeUnsigned(BigInteger value, byte[] out, int offset) {
        byte[] twosComplement = value.toByteArray();
        // toByteArray adds a leading zero byte when the top bit is set; the value is < n < 2^256.
        int skip = twosComplement.length > SCALAR_BYTES ? twosComplement.length - SCALAR_BYTES : 0;
        int len = twosComplement.length - skip;
        System.arraycopy(twosComplement, skip, out, offset + SCALAR_BYTES - len, len);
    }

    /**
     * Splits a JOSE signature into R and S.
     *
     * @return {r, s}, or null unless the signature is exactly 64 bytes with 0 < r < n and 0 < s < n
     */
    static BigInteger[] fromJose(byte[] signature) {
        if (signature.length != SIGNATURE_BYTES) {
            return null;
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, SCALAR_BYTES));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, SCALAR_BYTES, SIGNATURE_BYTES));
        if (!inRange(r) || !inRange(s)) {
            return null;
        }
        return new BigInteger[] {r, s};
    }

    private static boolean inRange(BigInteger v) {
        return v.signum() > 0 && v.compareTo(N) < 0;
    }
}
