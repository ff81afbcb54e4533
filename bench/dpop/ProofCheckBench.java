import agentauth.client.DpopProofCheck;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What a DPoP proof costs a verifier (TokenVerifier and the server share DpopProofCheck): every
 * check of a fresh proof (parse, key, htm/htu/iat, ES256 signature) on one thread, the replay
 * record left out (it is a store's cost). Run it with -Dagentauth.client.es256=jdk for the JDK's
 * ECDSA instead of Bouncy Castle's.
 *
 *   java -cp agent-auth.jar:CLASSES ProofCheckBench [proofs-per-round]
 */
public final class ProofCheckBench {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        ECPublicKey pub = (ECPublicKey) key.getPublic();
        String header = B64.encodeToString(("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
            + B64.encodeToString(bytes32(pub.getW().getAffineX())) + "\",\"y\":\"" + B64.encodeToString(bytes32(pub.getW().getAffineY()))
            + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        DpopProofCheck check = new DpopProofCheck(Duration.ofSeconds(60), (jkt, jti, until) -> true, Clock.systemUTC());
        String htu = DpopProofCheck.htu(URI.create("http://127.0.0.1:8080/refresh"));
        for (int round = 1; round <= 3; round++) {
            List<String> proofs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String claims = "{\"jti\":\"" + round + "-" + i + "\",\"htm\":\"POST\",\"htu\":\"" + htu + "\",\"iat\":"
                    + System.currentTimeMillis() / 1000 + "}";
                String input = header + "." + B64.encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
                s.initSign(key.getPrivate());
                s.update(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                proofs.add(input + "." + B64.encodeToString(s.sign()));
            }
            long start = System.nanoTime();
            for (String proof : proofs) check.checkUnrecorded(proof, "POST", htu, null, null, null);
            double ms = (System.nanoTime() - start) / 1e6 / n;
            System.out.printf("round %d: %.3f ms per proof checked (%,.0f/s on one thread)%s%n", round, ms, 1000 / ms,
                round == 1 ? ", JIT warming up" : "");
        }
    }

    private static byte[] bytes32(BigInteger v) {
        byte[] raw = v.toByteArray(), out = new byte[32];
        int k = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - k, out, 32 - k, k);
        return out;
    }
}
