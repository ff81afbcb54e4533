import agentauth.client.TokenVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * TokenVerifier (the resource servers' library) on one thread: verifications per second for
 * tokens it has seen (its cache) and for first-seen tokens (cache off, so every call is the
 * full ES256 verification and claim checks). Keys come from the running bench server's JWKS.
 *
 *   java -cp agent-auth.jar:build/bench/classes VerifierBench ISSUER_URL TOKENS_FILE SECONDS
 *
 * Prints "seen <per second>" and "first_seen <per second>", and on standard error the verifier
 * (which names the ES256 engine in use: the JDK's, or Bouncy Castle's where it is on the class path).
 */
public final class VerifierBench {
    public static void main(String[] args) throws Exception {
        String issuer = args[0];
        List<String> tokens = Files.readAllLines(Path.of(args[1])).stream().filter(s -> !s.isBlank()).toList();
        double seconds = Double.parseDouble(args[2]);
        TokenVerifier seen = TokenVerifier.forIssuer(issuer).audience(issuer).build();
        TokenVerifier firstSeen = TokenVerifier.forIssuer(issuer).audience(issuer).cacheSize(0).build();
        System.err.println(firstSeen);
        run(seen, tokens, seconds / 2); // warm-up: the JIT compiles the paths measured next
        run(firstSeen, tokens, seconds / 2);
        System.out.printf("seen %.0f%n", run(seen, tokens, seconds));
        System.out.printf("first_seen %.0f%n", run(firstSeen, tokens, seconds));
    }

    private static double run(TokenVerifier verifier, List<String> tokens, double seconds) {
        long n = 0, start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        int i = 0;
        long sink = 0;
        while (true) {
            for (int k = 0; k < 256; k++) {
                sink += verifier.verify(tokens.get(i)).subject().length();
                i = (i + 1) % tokens.size();
            }
            n += 256;
            long now = System.nanoTime();
            if (now >= end) {
                if (sink == 42) System.out.print(""); // keeps the results used
                return n / ((now - start) / 1e9);
            }
        }
    }
}
