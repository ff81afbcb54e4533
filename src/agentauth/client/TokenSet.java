package agentauth.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One token response, with its deadlines computed from the moment the request was sent (not
 * when the answer arrived), so network time only ever makes the client refresh earlier.
 *
 * @param refreshAt when the access token stops being good enough to hand out: its expiry
 *     minus the safety margin
 * @param refreshExpiresAt when the refresh token expires, or null if the server did not say
 * @param dpopBound whether the access token is bound to the client's DPoP key ({@code token_type}
 *     DPoP): it is then sent as {@code Authorization: DPoP} with a proof
 */
record TokenSet(String accessToken, String refreshToken, Instant expiresAt, Instant refreshAt,
        Instant refreshExpiresAt, String scope, boolean dpopBound) {

    /** Parses a token response (RFC 6749 §5.1; RFC 9449 §5 for {@code token_type} DPoP). */
    static TokenSet of(byte[] body, Instant sentAt, Duration minValidity, boolean withRefreshToken,
            boolean hasDpopKey, String path) {
        Map<String, Object> json;
        try {
            json = JsonReader.object(body);
        } catch (JsonReader.MalformedJsonException e) {
            // not chained: a parser message may quote the body, and the body holds tokens
            throw new AuthProtocolException("the token response of " + path + " is not JSON", 200);
        }
        String access = text(json, "access_token");
        String refresh = text(json, "refresh_token");
        Number expiresIn = JsonReader.number(json, "expires_in");
        Number refreshExpiresIn = JsonReader.number(json, "refresh_expires_in");
        String type = text(json, "token_type");
        boolean bound = "dpop".equalsIgnoreCase(type);
        if (access == null || (withRefreshToken && refresh == null) || !(expiresIn instanceof Long)
                || expiresIn.longValue() <= 0 || !(bound || "bearer".equalsIgnoreCase(type))) {
            throw new AuthProtocolException("the token response of " + path + " lacks access_token, "
                    + (withRefreshToken ? "refresh_token, " : "") + "token_type Bearer or DPoP, or a positive expires_in",
                    200);
        }
        if (bound && !hasDpopKey) {
            throw new AuthProtocolException("the token response of " + path
                    + " is DPoP-bound, but this client sent no proof", 200);
        }
        Duration lifetime = Duration.ofSeconds(expiresIn.longValue());
        Instant refreshExpiresAt = refreshExpiresIn instanceof Long seconds ? sentAt.plusSeconds(seconds) : null;
        return new TokenSet(access, refresh, sentAt.plus(lifetime), refreshAt(sentAt, lifetime, minValidity),
                refreshExpiresAt, text(json, "scope"), bound);
    }

    /**
     * The default margin is min(30 s, 10% of the lifetime); an explicit one is capped at half
     * the lifetime so a short-lived token is still used at all.
     */
    static Instant refreshAt(Instant sentAt, Duration lifetime, Duration minValidity) {
        Duration margin = minValidity != null
                ? minValidity
                : Duration.ofSeconds(30).compareTo(lifetime.dividedBy(10)) < 0
                        ? Duration.ofSeconds(30) : lifetime.dividedBy(10);
        if (margin.compareTo(lifetime.dividedBy(2)) > 0) {
            margin = lifetime.dividedBy(2);
        }
        return sentAt.plus(lifetime).minus(margin);
    }

    boolean usableAt(Instant now) {
        return now.isBefore(refreshAt);
    }

    boolean refreshableAt(Instant now) {
        return refreshToken != null && (refreshExpiresAt == null || now.isBefore(refreshExpiresAt));
    }

    private static String text(Map<String, Object> json, String field) {
        String value = JsonReader.string(json, field);
        return value == null || value.isEmpty() ? null : value;
    }

    /** Never prints a token. */
    @Override
    public String toString() {
        return "TokenSet[expiresAt=" + expiresAt + ", refreshAt=" + refreshAt
                + ", refreshExpiresAt=" + refreshExpiresAt + ", scope=" + scope + ", dpopBound=" + dpopBound + "]";
    }
}
