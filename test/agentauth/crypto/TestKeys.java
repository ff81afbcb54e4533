package agentauth.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;

/**
 * JDK-made EC keys and JOSE/DER signature conversions written independently of P256 (public: the
 * hostile-token table in security/ forges signatures with them too).
 */
public final class TestKeys {
    public static final BigInteger N = new BigInteger(
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private TestKeys() {}

    static KeyPair generate(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    public static KeyPair p256() {
        return generate("secp256r1");
    }

    public static ECPublicKey pub(KeyPair pair) {
        return (ECPublicKey) pair.getPublic();
    }

    public static ECPrivateKey priv(KeyPair pair) {
        return (ECPrivateKey) pair.getPrivate();
    }

    static ECPrivateKey p256PrivateKey(BigInteger d) throws GeneralSecurityException {
        return (ECPrivateKey) KeyFactory.getInstance("EC")
            .generatePrivate(new ECPrivateKeySpec(d, p256Spec()));
    }

    static ECPublicKey p256PublicKey(BigInteger x, BigInteger y) throws GeneralSecurityException {
        return (ECPublicKey) KeyFactory.getInstance("EC")
            .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), p256Spec()));
    }

    private static ECParameterSpec p256Spec() throws GeneralSecurityException {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        return params.getParameterSpec(ECParameterSpec.class);
    }

    public static BigInteger r(byte[] jose) {
        return new BigInteger(1, java.util.Arrays.copyOfRange(jose, 0, 32));
    }

    public static BigInteger s(byte[] jose) {
        return new BigInteger(1, java.util.Arrays.copyOfRange(jose, 32, 64));
    }

    /** R||S from two non-negative integers below 2^256. */
    public static byte[] jose(BigInteger r, BigInteger s) {
        byte[] out = new byte[64];
        put(r, out, 0);
        put(s, out, 32);
        return out;
    }

    private static void put(BigInteger v, byte[] out, int offset) {
        for (int i = 0; i < 32; i++) {
            out[offset + 31 - i] = v.shiftRight(8 * i).byteValue();
        }
    }

    /** ASN.1 DER SEQUENCE { INTEGER r, INTEGER s }, as java.security.Signature expects. */
    public static byte[] der(byte[] jose) {
        byte[] r = r(jose).toByteArray();
        byte[] s = s(jose).toByteArray();
        int bodyLength = 2 + r.length + 2 + s.length; // at most 70, so one length byte
        byte[] out = new byte[2 + bodyLength];
        int i = 0;
        out[i++] = 0x30;
        out[i++] = (byte) bodyLength;
        out[i++] = 0x02;
        out[i++] = (byte) r.length;
        System.arraycopy(r, 0, out, i, r.length);
        i += r.length;
        out[i++] = 0x02;
        out[i++] = (byte) s.length;
        System.arraycopy(s, 0, out, i, s.length);
        return out;
    }
}
