package agentauth.client;

import java.math.BigInteger;
import java.security.MessageDigest;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * ES256 verification with Bouncy Castle's lightweight API over its custom (fast) P-256 curve,
 * used only when the application has Bouncy Castle on its class path: loaded by name from
 * {@link Es256Engine#fastest()}, so the client jar does not need it.
 */
final class BouncyCastleEs256 implements Es256Engine {
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN =
            new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());

    /** Bouncy Castle validates the point again (on the curve, not infinity, right order). */
    @Override
    public Object publicKey(BigInteger x, BigInteger y) {
        return new ECPublicKeyParameters(DOMAIN.getCurve().createPoint(x, y), DOMAIN);
    }

    /** Reusing the same key object lets Bouncy Castle keep its precomputed multiples of it. */
    @Override
    public boolean verify(Object key, byte[] input, int length, byte[] rs) {
        MessageDigest sha256 = VerifiedTokenCache.sha256();
        sha256.update(input, 0, length);
        ECDSASigner signer = new ECDSASigner();
        signer.init(false, (ECPublicKeyParameters) key);
        return signer.verifySignature(sha256.digest(),
                new BigInteger(1, rs, 0, 32), new BigInteger(1, rs, 32, 32));
    }

    @Override
    public String name() {
        return "bouncycastle";
    }
}
