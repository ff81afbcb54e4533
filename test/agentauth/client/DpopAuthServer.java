package agentauth.client;

import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DPoP side of an auth server, enough to drive the client over real HTTP (the real server's
 * DPoP is tested with the server): /login and /refresh bind tokens and sessions to the key of
 * the proof (read with Nimbus), /refresh wants the session's key, and /service is a protected
 * resource that checks requests with a real {@link TokenVerifier}. Proofs are kept for tests.
 */
final class DpopAuthServer implements AutoCloseable {
    static final String AUDIENCE = "https://api.example";

    final TestKey issuerKey = TestKey.generate("key-1");
    final JwksServer jwks;
    final TokenVerifier verifier;
    final List<String> tokenEndpointProofs = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> serviceRequests = new CopyOnWriteArrayList<>();
    final AtomicInteger logins = new AtomicInteger();
    final AtomicInteger refreshes = new AtomicInteger();
    final Map<String, String> sessionKeys = new ConcurrentHashMap<>(); // refresh token -> jkt
    volatile String requiredLoginNonce;       // /login answers use_dpop_nonce until a proof carries it
    volatile String requiredServiceNonce;     // likewise at /service
    volatile long expiresIn = 300;

    DpopAuthServer() throws IOException {
        jwks = JwksServer.start(issuerKey);
        verifier = TokenVerifier.forIssuer(jwks.url()).audience(AUDIENCE).timeout(java.time.Duration.ofSeconds(30)).build();
        jwks.handle("/login", ex -> tokens(ex, true));
        jwks.handle("/refresh", ex -> tokens(ex, false));
        jwks.handle("/logout", ex -> reply(ex, 204, ""));
        jwks.handle("/service", this::service);
    }

    String url() {
        return jwks.url();
    }

    private void tokens(HttpExchange ex, boolean login) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String proof = ex.getRequestHeaders().getFirst("DPoP");
        tokenEndpointProofs.add(String.valueOf(proof));
        String jkt;
        try {
            SignedJWT jwt = SignedJWT.parse(proof);
            jkt = jwt.getHeader().getJWK().computeThumbprint().toString();
            if (login && requiredLoginNonce != null && !requiredLoginNonce.equals(jwt.getJWTClaimsSet().getStringClaim("nonce"))) {
                ex.getResponseHeaders().set("DPoP-Nonce", requiredLoginNonce);
                reply(ex, 400, "{\"error\":\"use_dpop_nonce\"}");
                return;
            }
        } catch (Exception | Error e) {
            reply(ex, 400, "{\"error\":\"invalid_dpop_proof\"}");
            return;
        }
        if (!login) {
            String refresh = TestKey.JSON.readTree(body).path("refresh_token").asText();
            String bound = sessionKeys.remove(refresh);
            if (bound == null || !bound.equals(jkt)) {
                if (bound != null) {
                    sessionKeys.put(refresh, bound); // a proof of another key consumes nothing
                }
                reply(ex, 400, "{\"error\":\"invalid_dpop_proof\"}");
                return;
            }
        }
        (login ? logins : refreshes).incrementAndGet();
        Map<String, Object> claims = TestKey.claims(jwks.url(), AUDIENCE, Instant.now().getEpochSecond());
        claims.put("cnf", Map.of("jkt", jkt));
        String refresh = "rt-" + UUID.randomUUID();
        sessionKeys.put(refresh, jkt);
        reply(ex, 200, TestKey.JSON.writeValueAsString(Map.of("access_token", issuerKey.sign(issuerKey.header(), claims),
                "token_type", "DPoP", "expires_in", expiresIn, "refresh_token", refresh)));
    }

    private void service(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String dpop = ex.getRequestHeaders().getFirst("DPoP");
        serviceRequests.add(Map.of("Authorization", String.valueOf(auth), "DPoP", String.valueOf(dpop)));
        if (requiredServiceNonce != null) {
            try {
                if (!requiredServiceNonce.equals(SignedJWT.parse(dpop).getJWTClaimsSet().getStringClaim("nonce"))) {
                    ex.getResponseHeaders().set("DPoP-Nonce", requiredServiceNonce);
                    ex.getResponseHeaders().set("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\"");
                    reply(ex, 401, "");
                    return;
                }
            } catch (java.text.ParseException e) {
                reply(ex, 401, "");
                return;
            }
        }
        try {
            URI uri = URI.create(jwks.url() + ex.getRequestURI());
            reply(ex, 200, "hello " + verifier.verify(ex.getRequestMethod(), uri, auth, dpop).subject());
        } catch (InvalidTokenException e) {
            ex.getResponseHeaders().set("WWW-Authenticate", "DPoP error=\"" + e.error() + "\"");
            reply(ex, 401, e.getMessage());
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        verifier.close();
        jwks.close();
    }
}
