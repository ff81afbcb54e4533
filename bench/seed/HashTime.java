import agentauth.Config;
import agentauth.user.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The time of one Argon2id verification at the server's configured parameters, on one thread:
 * the median of N runs, in milliseconds. The first-time-login ceiling is cores / this time.
 *
 *   java -cp agent-auth.jar:build/bench/classes HashTime N [server flags: --argon2-memory ...]
 */
public final class HashTime {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        Config config = Config.parse(List.of(args).subList(1, args.length), Map.of());
        PasswordHasher hasher = new PasswordHasher(config.hashing());
        String hash = hasher.hash("bench secret for timing".getBytes(StandardCharsets.UTF_8));
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            if (!hasher.verify(hash, "bench secret for timing".getBytes(StandardCharsets.UTF_8)))
                throw new IllegalStateException("the hash does not verify");
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%.2f%n", ms[n / 2]);
    }
}
