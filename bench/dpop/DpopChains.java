import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DPoP side of the refresh benchmark, which wrk's Lua cannot sign: makes one P-256 key, logs
 * in the given agents with proofs of it (so each session is bound to it), and signs proofs for
 * {@code POST <base>/refresh} ahead of the timed window (each with its own jti, iat now: good for
 * the server's 60 s window), one per line, for wrk to send one per request.
 *
 *   java -cp build/bench/dpop/classes DpopChains BASE_URL AGENTS_FILE FIRST COUNT TOKENS_OUT PROOFS PROOFS_OUT
 *
 * AGENTS_FILE has "name secret" lines; agents FIRST..FIRST+COUNT-1 (1-based) log in.
 */
public final class DpopChains {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Pattern REFRESH = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        List<String> agents = Files.readAllLines(Path.of(args[1]));
        int first = Integer.parseInt(args[2]), count = Integer.parseInt(args[3]);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        String header = header((ECPublicKey) key.getPublic());
        HttpClient http = HttpClient.newHttpClient();
        List<String> tokens = new ArrayList<>();
        for (String line : agents.subList(first - 1, first - 1 + count)) {
            String[] nameSecret = line.split(" ");
            String body = "username=" + nameSecret[0] + "&password=" + nameSecret[1];
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("DPoP", proof(key, header, base + "/login"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = REFRESH.matcher(r.body());
            if (r.statusCode() != 200 || !m.find() || !r.body().contains("\"DPoP\""))
                throw new IllegalStateException("a DPoP login failed: " + r.statusCode() + " " + r.body());
            tokens.add(m.group(1));
        }
        Files.write(Path.of(args[4]), tokens);
        int proofs = Integer.parseInt(args[5]);
        List<String> out = new ArrayList<>(proofs);
        for (int i = 0; i < proofs; i++) out.add(proof(key, header, base + "/refresh"));
        Files.write(Path.of(args[6]), out);
    }

    private static String header(ECPublicKey pub) {
        return B64.encodeToString(("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
            + B64.encodeToString(bytes32(pub.getW().getAffineX())) + "\",\"y\":\""
            + B64.encodeToString(bytes32(pub.getW().getAffineY())) + "\"}}").getBytes(StandardCharsets.UTF_8));
    }

    private static String proof(KeyPair key, String header, String htu) throws Exception {
        byte[] jti = new byte[16];
        new SecureRandom().nextBytes(jti);
        String claims = "{\"jti\":\"" + B64.encodeToString(jti) + "\",\"htm\":\"POST\",\"htu\":\"" + htu + "\",\"iat\":"
            + System.currentTimeMillis() / 1000 + "}";
        String input = header + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(key.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(s.sign());
    }

    private static byte[] bytes32(BigInteger v) {
        byte[] raw = v.toByteArray(), out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }
}
