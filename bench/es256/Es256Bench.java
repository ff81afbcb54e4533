import agentauth.crypto.Es256;
import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * ES256 signatures/s and verifications/s per thread: java-jwt on the JDK provider against Es256.
 *
 * <p>Usage: {@code java Es256Bench [threads] [seconds]}; each case warms up for half as long as
 * it measures. Signing covers sign(header, payload) only; verifying covers Algorithm.verify on an
 * already decoded token, so JSON and base64 of the claims are out of both.
 */
public final class Es256Bench {
    private static final int INPUTS = 256;
    private static volatile long sink;

    private interface Op {
        void run(int i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        ECPrivateKey priv = (ECPrivateKey) pair.getPrivate();

        Algorithm jdk = Algorithm.ECDSA256(pub, priv);
        Algorithm es256 = Es256.forKeys(kid -> "bench".equals(kid) ? pub : null, "bench", priv);

        byte[] header = b64("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"bench\"}");
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            String jti = Long.toHexString(i * 0x9E3779B97F4A7C15L);
            payloads.add(b64("{\"iss\":\"agent-auth\",\"sub\":\"agent-" + i + "\",\"aud\":\"api\","
                + "\"iat\":1767225600,\"exp\":1767226500,\"jti\":\"" + jti + "\"}"));
        }

        System.out.printf("threads: %d, %.1f s measured per case after %.1f s warm-up%n",
            threads, seconds, seconds / 2);
        System.out.printf("%-28s %14s%n", "case", "ops/s/thread");
        for (Algorithm alg : List.of(jdk, es256)) {
            String name = alg == jdk ? "jdk (Algorithm.ECDSA256)" : "es256 (Bouncy Castle)";
            List<DecodedJWT> tokens = new ArrayList<>();
            for (byte[] payload : payloads) {
                byte[] signature = alg.sign(header, payload);
                tokens.add(JWT.decode(ascii(header) + "." + ascii(payload) + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(signature)));
            }
            report(name + " sign", threads, seconds, i -> sink += alg.sign(header, payloads.get(i % INPUTS))[5]);
            report(name + " verify", threads, seconds, i -> alg.verify(tokens.get(i % INPUTS)));
        }
    }

    private static void report(String name, int threads, double seconds, Op op) throws InterruptedException {
        run(threads, seconds / 2, op);
        double perThread = run(threads, seconds, op) / seconds / threads;
        System.out.printf("%-28s %,14.0f%n", name, perThread);
    }

    /** Runs op on every thread until the deadline; returns how many times it ran in total. */
    private static long run(int threads, double seconds, Op op) throws InterruptedException {
        LongAdder count = new LongAdder();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t * 7919;
            Thread worker = new Thread(() -> {
                long n = 0;
                try {
                    while (System.nanoTime() < deadline) {
                        op.run(offset + (int) n);
                        n++;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                count.add(n);
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return count.sum();
    }

    private static byte[] b64(String json) {
        String encoded = Base64.getUrlEncoder().withoutPadding()
            .encodeToString(json.getBytes(StandardCharsets.UTF_8));
        return encoded.getBytes(StandardCharsets.US_ASCII);
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
