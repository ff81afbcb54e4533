package agentauth.token;

import agentauth.user.Account;
import agentauth.user.PolicyRules;
import com.auth0.jwt.JWT;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Signs access tokens in the RFC 9068 shape. */
public final class TokenIssuer {
    /** A signed access token. */
    public record AccessToken(String value, Instant issuedAt, Instant expiresAt) {
        /** Rounded up: iat is whole seconds, so flooring would report a 2 s token as 1 s. */
        public long expiresIn(Instant now) {
            Instant from = issuedAt != null && issuedAt.isAfter(now) ? issuedAt : now; // never more than the lifetime
            return Math.max(0, (Duration.between(from, expiresAt).toMillis() + 999) / 1000);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, Object> HEADER = Map.of("typ", "at+jwt"); // RFC 9068 §2.1

    private final SigningKeys keys;
    private final String issuer;
    private volatile Duration ttl;
    private final Clock clock;
    private final PolicyRules rules; // null: agents' own TTLs are taken as they are

    public TokenIssuer(SigningKeys keys, String issuer, Duration ttl, Clock clock) {
        this(keys, issuer, ttl, null, clock);
    }

    /** @param rules caps an agent's own access TTL at the server's maximum in force */
    public TokenIssuer(SigningKeys keys, String issuer, Duration ttl, PolicyRules rules, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.ttl = ttl;
        this.rules = rules;
        this.clock = clock;
    }

    /** A shared setting changed: tokens signed from now on live this long. */
    public void accessTtl(Duration ttl) {
        this.ttl = ttl;
    }

    /**
     * A token for {@code user} as it is now: its name, its permanent {@code uid} and its current
     * generation {@code gen} (contract B: the live checks and the revocation list compare those).
     *
     * @param sid      the family id, or null for a token with no refresh family (client_credentials)
     * Its lifetime is the agent's own access TTL or the server's, and it never outlives {@code
     * notAfter} nor the agent's {@code expires_at} (contract C).
     *
     * @param notAfter when the token must be expired at the latest (its family's end, so an admin
     *                 session cap holds for access tokens too), or null
     */
    public AccessToken issue(Account user, List<String> scope, String audience, String sid, Instant notAfter) {
        return issue(user, scope, audience, sid, notAfter, null);
    }

    /** As above, bound to a DPoP key when {@code jkt} (its RFC 7638 thumbprint) is given: {@code cnf.jkt}, RFC 9449 §6.1. */
    public AccessToken issue(Account user, List<String> scope, String audience, String sid, Instant notAfter, String jkt) {
        String username = user.username();
        Instant iat = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Duration lifetime = user.policy().accessTtl() == null ? ttl
            : rules == null ? user.policy().accessTtl() : rules.accessTtl(user.policy(), ttl);
        Instant exp = iat.plus(lifetime);
        Instant end = user.policy().cap(notAfter);
        if (end != null && end.isBefore(exp)) exp = end.truncatedTo(ChronoUnit.SECONDS);
        KeySet.Key key = keys.current();
        var builder = JWT.create()
            .withHeader(HEADER)
            .withKeyId(key.kid())
            .withIssuer(issuer)
            .withSubject(username)
            .withAudience(audience)
            .withExpiresAt(exp)
            .withIssuedAt(iat)
            .withJWTId(randomId())
            .withClaim("client_id", username)
            .withClaim("scope", String.join(" ", scope))
            .withClaim("uid", user.uid())
            .withClaim("gen", user.gen());
        if (sid != null) builder.withClaim("sid", sid);
        if (jkt != null) builder.withClaim("cnf", Map.of("jkt", jkt));
        String token = builder.sign(key.signer());
        keys.noteIssued(key, exp);
        return new AccessToken(token, iat, exp);
    }

    public static String randomId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
