package agentauth.client;

import java.math.BigInteger;

/**
 * Who computes ES256 verifications (ECDSA over P-256 with SHA-256, RFC 7518 §3.4): the JDK, or
 * Bouncy Castle when the application has it on its class path, which is about ten times faster
 * on JDK 17 (see docs/performance.md). The client jar itself needs only the JDK.
 * Implementations are stateless and thread-safe; {@link Es256Key} checks the point and the
 * signature's range before they are called.
 */
interface Es256Engine {
    /** Set to {@code jdk} to use the JDK even where Bouncy Castle is present (for comparisons). */
    String ENGINE_PROPERTY = "agentauth.client.es256";

    /** The engine's form of the public key (x, y): an on-curve point, already checked. */
    Object publicKey(BigInteger x, BigInteger y);

    /** Whether {@code rs} (R || S, 64 bytes, each in range) signs {@code input[0, length)}. */
    boolean verify(Object key, byte[] input, int length, byte[] rs);

    /** A short name for logs and benchmarks. */
    String name();

    /** Bouncy Castle if it can be loaded (and is not switched off), else the JDK. */
    static Es256Engine fastest() {
        if (!"jdk".equals(System.getProperty(ENGINE_PROPERTY))) {
            try {
                // By name, so that without Bouncy Castle this class never links against it.
                return (Es256Engine) Class.forName("agentauth.client.BouncyCastleEs256")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError noBouncyCastle) {
                // falls back to the JDK
            }
        }
        return new JdkEs256();
    }
}
