package agentauth.security;

import agentauth.crypto.Es256;
import agentauth.token.SigningKeys;
import agentauth.user.Account;
import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Forged and malformed access tokens for the hostile-input suite, made once per server. */
final class HostileTokens {
    private final String issuer;
    private final Account admin;
    private final agentauth.token.KeySet.Key real;
    private final Algorithm attacker;

    HostileTokens(String issuer, Account admin, agentauth.token.KeySet.Key real) {
        this.issuer = issuer;
        this.admin = admin;
        this.real = real;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            this.attacker = Es256.of((ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** The claims a good token for {@code sub} has, changed by {@code edit}. */
    JWTCreator.Builder claims(Consumer<JWTCreator.Builder> edit) {
        Instant now = Instant.now();
        JWTCreator.Builder b = JWT.create().withIssuer(issuer).withSubject("admin").withAudience(issuer)
            .withIssuedAt(now).withExpiresAt(now.plusSeconds(600)).withJWTId("jti-1").withClaim("client_id", "admin")
            .withClaim("scope", "admin").withClaim("uid", admin.uid()).withClaim("gen", admin.gen());
        edit.accept(b);
        return b;
    }

    String signedByServer(Map<String, Object> header, Consumer<JWTCreator.Builder> edit) {
        Map<String, Object> h = new LinkedHashMap<>(Map.of("typ", "at+jwt", "kid", real.kid()));
        h.putAll(header);
        return claims(edit).withHeader(h).sign(real.signer());
    }

    String good() {
        return signedByServer(Map.of(), b -> {});
    }

    String signedByAttacker(Map<String, Object> header) {
        Map<String, Object> h = new LinkedHashMap<>(Map.of("typ", "at+jwt", "kid", "attacker-key"));
        h.putAll(header);
        return claims(b -> {}).withHeader(h).sign(attacker);
    }

    /** alg none: the header says no signature is needed. */
    String algNone() {
        return b64("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"" + real.kid() + "\"}") + "." + payload() + ".";
    }

    /** HS256 keyed with the server's public key bytes: the classic algorithm confusion. */
    String hs256Confusion() {
        Map<String, Object> h = Map.of("typ", "at+jwt", "kid", real.kid());
        return claims(b -> {}).withHeader(h).sign(Algorithm.HMAC256(real.publicKey().getEncoded()));
    }

    /** A real signature with the payload swapped for one granting more. */
    String swappedPayload() {
        String[] parts = good().split("\\.");
        return parts[0] + "." + b64("{\"iss\":\"" + issuer + "\",\"sub\":\"admin\",\"scope\":\"admin introspect\"}") + "." + parts[2];
    }

    private String payload() {
        String[] parts = good().split("\\.");
        return parts[1];
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
