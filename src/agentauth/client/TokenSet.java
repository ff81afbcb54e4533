package agentauth.client;

import java.time.Duration;
import java.time.Instant;

/**
 * One token response, with its deadlines computed from the moment the request was sent (not
 * when the answer arrived), so network time only ever makes the client refresh earlier.
 *
 * @param refreshAt when the access token stops being good enough to hand out: its expiry
 *     minus the safety margin
 * @param refreshExpiresAt when the refresh token expires, or null if the server did not say
 */
record TokenSet(String accessToken, String refreshToken, Instant expiresAt, Instant refreshAt,
        Instant refreshExpiresAt, String scope) {

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

    /** Never prints a token. */
    @Override
    public String toString() {
        return "TokenSet[expiresAt=" + expiresAt + ", refreshAt=" + refreshAt
                + ", refreshExpiresAt=" + refreshExpiresAt + ", scope=" + scope + "]";
    }
}
