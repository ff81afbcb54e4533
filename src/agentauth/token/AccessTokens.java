package agentauth.token;

import agentauth.cache.VerifiedTokens;
import agentauth.error.AuthError;
import agentauth.store.SessionStore;
import agentauth.store.User;
import agentauth.user.Account;
import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Verifies access tokens for the server's own endpoints: the signature by kid (ES256 only),
 * typ, no crit, iss, aud, exp, iat and nbf, then the live state the contract requires: the user the token
 * names by {@code uid} exists, is enabled, is still at the token's generation {@code gen} (no
 * credential change since: compared exactly, with no clock), still holds the scope, and the
 * family is not revoked.
 *
 * <p>Tokens verified once are remembered until they expire ({@link VerifiedTokens}), which spares
 * the ECDSA verification (a third of a /me request) on every further use; a remembered token
 * still fails at once when it expires or its key is revoked, and the live state is read on
 * every request.
 */
public final class AccessTokens {
    /** The claims of a verified token. */
    public record Claims(String subject, String uid, long gen, List<String> scope, List<String> audience, String sid,
                         String jti, Instant issuedAt, Instant expiresAt, String issuer, String jkt) {
        public boolean hasScope(String s) {
            return scope.contains(s);
        }
    }

    /** Tolerated clock difference for iat in the future (tokens we signed ourselves). */
    private static final long IAT_SKEW_SECONDS = 60;
    /** Bounds the memory of remembered tokens (about 300 bytes each). */
    static final int REMEMBERED_MAX = 20_000;

    private record Verified(Claims claims, String kid) {}

    private final SigningKeys keys;
    private final SessionStore families;
    private final String issuer;
    private final Clock clock;
    private final VerifiedTokens<Verified> verified = new VerifiedTokens<>(REMEMBERED_MAX);

    public AccessTokens(SigningKeys keys, SessionStore families, String issuer, Clock clock) {
        this.keys = keys;
        this.families = families;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** Signature and claims only: what an offline verifier checks. */
    public Claims verify(String token) {
        ByteBuffer key = VerifiedTokens.key(token);
        Instant now = clock.instant();
        Verified known = verified.get(key, now); // null once expired
        if (known != null) {
            if (keys.verificationKey(known.kid()) == null)
                throw new AuthError.InvalidToken("The access token's signing key is unknown or revoked.");
            return known.claims();
        }
        Verified fresh = verifyFully(token, now);
        verified.put(key, fresh, fresh.claims().expiresAt(), now);
        return fresh.claims();
    }

    private Verified verifyFully(String token, Instant now) {
        DecodedJWT jwt;
        try {
            jwt = JWT.decode(token);
        } catch (JWTDecodeException e) {
            throw new AuthError.InvalidToken("The access token is malformed.");
        }
        // RFC 7515 §4.1.11: a crit header names extensions that must be understood; this server understands none.
        if (!"ES256".equals(jwt.getAlgorithm()) || !"at+jwt".equals(jwt.getType()) || !jwt.getHeaderClaim("crit").isMissing())
            throw new AuthError.InvalidToken("The access token is not an ES256 at+jwt token from this server.");
        KeySet.Key key = keys.verificationKey(jwt.getKeyId());
        if (key == null) throw new AuthError.InvalidToken("The access token's signing key is unknown or revoked.");
        try {
            key.verifier().verify(jwt);
        } catch (SignatureVerificationException e) {
            throw new AuthError.InvalidToken("The access token's signature is invalid.");
        }
        Instant exp = jwt.getExpiresAtAsInstant(), iat = jwt.getIssuedAtAsInstant();
        if (!issuer.equals(jwt.getIssuer())) throw new AuthError.InvalidToken("The access token is from another issuer.");
        if (exp == null || !now.isBefore(exp)) throw new AuthError.InvalidToken("The access token has expired.");
        if (iat == null || iat.isAfter(now.plusSeconds(IAT_SKEW_SECONDS)))
            throw new AuthError.InvalidToken("The access token's issue time is invalid.");
        Instant nbf = jwt.getNotBeforeAsInstant(); // RFC 7519 §4.1.5; this server writes none, the client library checks it
        if (nbf != null && nbf.isAfter(now.plusSeconds(IAT_SKEW_SECONDS)))
            throw new AuthError.InvalidToken("The access token is not valid yet.");
        String subject = jwt.getSubject();
        if (subject == null || jwt.getAudience() == null) throw new AuthError.InvalidToken("The access token lacks claims.");
        String scope = jwt.getClaim("scope").asString();
        Long gen = jwt.getClaim("gen").asLong();
        return new Verified(new Claims(subject, jwt.getClaim("uid").asString(), gen == null ? -1 : gen, scope == null || scope.isEmpty() ? List.of() : List.of(scope.split(" ")),
            List.copyOf(jwt.getAudience()), jwt.getClaim("sid").asString(), jwt.getId(), iat, exp, jwt.getIssuer(), jkt(jwt)),
            key.kid());
    }

    /** The DPoP key the token is bound to (RFC 9449 §6.1 {@code cnf.jkt}), or null for a bearer token. */
    private static String jkt(DecodedJWT jwt) {
        java.util.Map<String, Object> cnf = jwt.getClaim("cnf").asMap();
        Object jkt = cnf == null ? null : cnf.get("jkt");
        if (cnf != null && !(jkt instanceof String)) throw new AuthError.InvalidToken("The access token's cnf is malformed.");
        return (String) jkt;
    }

    /**
     * For the server's own endpoints: the token must be for this server ({@code aud} = issuer), carry
     * {@code requiredScope} (null: none needed), and its user and family must still be in good standing.
     */
    public Claims verifyLive(String token, String requiredScope) {
        return live(verify(token), requiredScope);
    }

    /** {@link #verifyLive} for claims the caller has just verified with {@link #verify}. */
    public Claims live(Claims claims, String requiredScope) {
        if (!claims.audience().contains(issuer))
            throw new AuthError.InvalidToken("The access token is for another audience.");
        if (requiredScope != null && !claims.hasScope(requiredScope)) throw new AuthError.InsufficientScope(requiredScope);
        Account user = inGoodStanding(claims);
        if (requiredScope != null && !user.hasScope(requiredScope))
            throw new AuthError.InvalidToken("The access token's user no longer holds '" + requiredScope + "'.");
        org.slf4j.MDC.put("sub", claims.subject()); // the caller, for the request's log lines and access line
        org.slf4j.MDC.put("jti", claims.jti());
        return claims;
    }

    /**
     * The user of a verified token while the token is in good standing: the user exists, is enabled,
     * changed no credential since, and the family is not revoked. For any audience (introspection,
     * RFC 7662, answers for tokens of other resources too); throws invalid_token otherwise.
     */
    public Account inGoodStanding(Claims claims) {
        SessionStore.Standing standing = claims.uid() == null ? new SessionStore.Standing(Optional.empty(), false)
            : families.standing(claims.uid(), claims.sid());
        User user = standing.user()
            .filter(u -> u.username().equals(claims.subject())) // names are never renamed: both must agree
            .orElseThrow(() -> new AuthError.InvalidToken("The access token's user no longer exists."));
        if (!user.enabled()) throw new AuthError.InvalidToken("The access token's user is disabled.");
        if (user.policy().expired(clock.instant())) throw new AuthError.InvalidToken("The access token's user has expired.");
        if (user.gen() != claims.gen()) throw new AuthError.InvalidToken("The access token predates a credential change.");
        if (claims.sid() != null && !standing.sessionLive())
            throw new AuthError.InvalidToken("The access token's session was ended.");
        return Account.of(user);
    }
}
