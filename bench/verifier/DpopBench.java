import agentauth.client.TokenVerifier;
import com.sun.net.httpserver.HttpServer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.UUID;

/**
 * TokenVerifier's cost per request with DPoP (RFC 9449), on one thread: every request brings a
 * fresh proof (one ES256 verification, a replay-cache write) with a token already seen. Only
 * the verify calls are timed; the proofs are signed in between, untimed. Keys and tokens are
 * made here, published by a loopback JWKS server, so no agent-auth server is needed.
 *
 *   java -cp agent-auth-client.jar[:bcprov.jar] bench/verifier/DpopBench.java [SECONDS]
 *
 * Prints "dpop <requests per second>", and "bearer_first_seen <per second>" (a new Bearer token
 * per request: the same ES256 verification without the proof) for comparison on the same
 * machine; on standard error, the verifier (its ES256 engine).
 */
public final class DpopBench {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        KeyPair issuer = p256();
        KeyPair agent = p256();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        String jwks = "{\"keys\":[" + jwk(issuer, ",\"kid\":\"k\",\"use\":\"sig\",\"alg\":\"ES256\"") + "]}";
        server.createContext("/.well-known/jwks.json", ex -> reply(ex, jwks));
        server.createContext("/.well-known/oauth-authorization-server",
                ex -> reply(ex, "{\"issuer\":\"" + url + "\",\"jwks_uri\":\"" + url + "/.well-known/jwks.json\"}"));
        server.start();
        long now = System.currentTimeMillis() / 1000;
        String token = jws(issuer, "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"k\"}", "{\"iss\":\"" + url
                + "\",\"sub\":\"agent-1\",\"aud\":\"" + url + "\",\"exp\":" + (now + 3600) + ",\"iat\":" + now
                + ",\"jti\":\"t\",\"client_id\":\"agent-1\",\"scope\":\"read\",\"cnf\":{\"jkt\":\"" + thumbprint(agent) + "\"}}");
        String ath = B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        String proofHeader = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + jwk(agent, "") + "}";
        URI request = URI.create("https://api.example/orders");
        try (TokenVerifier verifier = TokenVerifier.forIssuer(url).audience(url).build()) {
            System.err.println(verifier);
            run(verifier, agent, proofHeader, token, ath, request, seconds / 2); // warm-up
            firstSeen(verifier, issuer, url, seconds / 2);
            System.out.printf("dpop %.0f%n", run(verifier, agent, proofHeader, token, ath, request, seconds));
            System.out.printf("bearer_first_seen %.0f%n", firstSeen(verifier, issuer, url, seconds));
        } finally {
            server.stop(0);
        }
    }

    private static double run(TokenVerifier verifier, KeyPair agent, String header, String token, String ath,
            URI request, double seconds) throws Exception {
        long timed = 0, n = 0, end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            String proof = jws(agent, header, "{\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"GET\",\"htu\":\""
                    + request + "\",\"iat\":" + System.currentTimeMillis() / 1000 + ",\"ath\":\"" + ath + "\"}");
            long start = System.nanoTime();
            verifier.verify("GET", request, "DPoP " + token, proof);
            timed += System.nanoTime() - start;
            n++;
        }
        return n / (timed / 1e9);
    }

    /** For comparison on the same machine: a new Bearer token per request (one ES256 verification each). */
    private static double firstSeen(TokenVerifier verifier, KeyPair issuer, String url, double seconds) throws Exception {
        long timed = 0, n = 0, end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long now = System.currentTimeMillis() / 1000;
            String token = jws(issuer, "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"k\"}", "{\"iss\":\"" + url
                    + "\",\"sub\":\"agent-1\",\"aud\":\"" + url + "\",\"exp\":" + (now + 3600) + ",\"iat\":" + now
                    + ",\"jti\":\"" + UUID.randomUUID() + "\",\"client_id\":\"agent-1\",\"scope\":\"read\"}");
            long start = System.nanoTime();
            verifier.verifyAuthorizationHeader("Bearer " + token);
            timed += System.nanoTime() - start;
            n++;
        }
        return n / (timed / 1e9);
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String jwk(KeyPair key, String extra) {
        ECPublicKey pub = (ECPublicKey) key.getPublic();
        return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + B64.encodeToString(b32(pub.getW().getAffineX()))
                + "\",\"y\":\"" + B64.encodeToString(b32(pub.getW().getAffineY())) + "\"" + extra + "}";
    }

    private static String thumbprint(KeyPair key) throws Exception {
        ECPublicKey pub = (ECPublicKey) key.getPublic();
        String members = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + B64.encodeToString(b32(pub.getW().getAffineX()))
                + "\",\"y\":\"" + B64.encodeToString(b32(pub.getW().getAffineY())) + "\"}";
        return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(members.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String jws(KeyPair key, String header, String payload) throws Exception {
        String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(key.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(s.sign());
    }

    private static byte[] b32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }
}
