package agentauth.token;

import agentauth.crypto.Es256;
import com.auth0.jwt.algorithms.Algorithm;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

/**
 * The one place that picks the ES256 implementation: Bouncy Castle's, 6-13x the JDK's on Java 17
 * (bench/es256). alg comes from the key, never from the token.
 */
final class Algorithms {
    private Algorithms() {}

    /** ES256 over a key pair; {@code priv} may be null for verification only. */
    static Algorithm es256(ECPublicKey pub, ECPrivateKey priv) {
        return Es256.of(pub, priv);
    }
}
