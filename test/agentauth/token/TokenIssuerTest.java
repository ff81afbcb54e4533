package agentauth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import agentauth.error.AuthError;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Token lifetimes at their boundaries, with an injected clock. */
class TokenIssuerTest {
    @Test
    void a_token_lives_exactly_the_access_ttl_and_dies_at_exp() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T17:00:00.250Z"));
        try (TestServer server = TestServer.startWith(clock, "--access-ttl", "10m")) {
            TokenIssuer issuer = new TokenIssuer(server.app().signingKeys(), server.url(), Duration.ofMinutes(10), clock);
            TokenIssuer.AccessToken t = issuer.issue(server.app().users().get("admin"), List.of("admin"), server.url(), null, null);
            DecodedJWT jwt = JWT.decode(t.value());
            assertEquals(Instant.parse("2026-11-29T17:00:00Z"), jwt.getIssuedAtAsInstant(), "iat in whole seconds");
            assertEquals(Instant.parse("2026-11-29T17:10:00Z"), jwt.getExpiresAtAsInstant());
            assertEquals(600, t.expiresIn(clock.instant()), "599.75 s left, rounded up");

            AccessTokens tokens = server.app().api().accessTokens();
            clock.advance(Duration.ofMinutes(10).minusMillis(251));
            assertEquals("admin", tokens.verify(t.value()).subject(), "valid until the last millisecond");
            clock.advance(Duration.ofMillis(1));
            AuthError e = assertThrows(AuthError.class, () -> tokens.verify(t.value()));
            assertEquals("invalid_token", e.code());
        }
    }

    @Test
    void a_token_issued_in_the_future_beyond_the_skew_is_refused() {
        MutableClock clock = new MutableClock();
        try (TestServer server = TestServer.startWith(clock)) {
            MutableClock future = new MutableClock(clock.instant().plus(Duration.ofMinutes(5)));
            TokenIssuer issuer = new TokenIssuer(server.app().signingKeys(), server.url(), Duration.ofMinutes(15), future);
            String token = issuer.issue(server.app().users().get("admin"), List.of(), server.url(), null, null).value();
            assertThrows(AuthError.class, () -> server.app().api().accessTokens().verify(token));
        }
    }

    @Test
    void an_access_token_never_outlives_its_session() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
        try (TestServer server = TestServer.startWith(clock, "--access-ttl", "15m", "--admin-session-ttl", "20m")) {
            agentauth.support.Http http = new agentauth.support.Http(server.url());
            var login = http.login("admin", TestServer.ADMIN_PASSWORD);
            clock.advance(Duration.ofMinutes(10));
            var refreshed = http.postJson("/refresh", agentauth.support.Http.json("refresh_token", login.text("refresh_token")));
            Instant exp = JWT.decode(refreshed.text("access_token")).getExpiresAtAsInstant();
            assertEquals(Instant.parse("2026-11-29T12:20:00Z"), exp, "capped at the admin session's end, not 12:25");
            assertEquals(600, refreshed.json().get("expires_in").asLong());
        }
    }
}
