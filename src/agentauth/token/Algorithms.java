package agentauth.token;

import com.auth0.jwt.algorithms.Algorithm;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

/** The one place that picks the ES256 implementation; alg comes from the key, never the token. */
final class Algorithms {
    private Algorithms() {}

    /** ES256 over a key pair; {@code priv} may be null for verification only. */
    static Algorithm es256(ECPublicKey pub, ECPrivateKey priv) {
        return Algorithm.ECDSA256(pub, priv);
    }
}
