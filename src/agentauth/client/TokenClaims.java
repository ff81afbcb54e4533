package agentauth.client;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The claims of an access token that a {@link TokenVerifier} accepted (RFC 9068 §2.2).
 * Immutable and thread-safe; holds no secret (the token itself is not kept).
 *
 * @param subject {@code sub}: the user (agent) name, as stored on the server
 * @param clientId {@code client_id}: the same name for agent-auth tokens
 * @param scopes {@code scope}, split at spaces; empty when the token has none
 * @param expiresAt {@code exp}
 * @param issuedAt {@code iat}
 * @param jti {@code jti}: the token's unique id
 * @param sid {@code sid}: the refresh family, or null (tokens from {@code client_credentials})
 * @param audience {@code aud}, as a list even when the token has a single string
 * @param uid {@code uid}: the user's random, permanent id (never reused, not derived from the
 *     name), or null on tokens from a server without the revocation list
 * @param gen {@code gen}: the user's credential generation when the token was issued, or null
 *     likewise; the revocation list kills tokens of a lower generation
 * @param dpopKeyThumbprint {@code cnf.jkt}: the RFC 7638 thumbprint of the key a DPoP-bound
 *     token is bound to (RFC 9449 §6.1), or null for a bearer token
 */
public record TokenClaims(String subject, String clientId, Set<String> scopes, Instant expiresAt,
        Instant issuedAt, String jti, String sid, List<String> audience, String uid, Long gen,
        String dpopKeyThumbprint) {

    /**
     * Copies the collections so the value stays immutable.
     *
     * @throws NullPointerException a value other than {@code sid}, {@code uid}, {@code gen} or
     *     {@code dpopKeyThumbprint} is null
     */
    public TokenClaims {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(clientId, "clientId");
        scopes = Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(jti, "jti");
        audience = List.copyOf(audience);
    }

    /**
     * Whether the token carries the scope.
     *
     * @param scope a scope token
     * @return true if granted
     */
    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /**
     * Requires every given scope, for a one-line check in a handler.
     *
     * @param required scope tokens that must all be granted
     * @return these claims
     * @throws InsufficientScopeException naming the first scope that is missing
     */
    public TokenClaims requireScope(String... required) {
        for (String scope : required) {
            if (!scopes.contains(scope)) {
                throw new InsufficientScopeException(scope);
            }
        }
        return this;
    }
}
