package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.auth0.jwt.JWT;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A key's publication bound is recorded per key, so a key that signed under a long access TTL and
 * is rotated out after a restart with a shorter one is not dropped while its tokens live. The
 * issuer is fixed so that the first run's tokens are the second run's (the port changes).
 */
class AdminKeysRestartTest {
    static final String ISSUER = "http://agent-auth.test";

    static Http http(TestServer server) {
        return new Http("http://127.0.0.1:" + server.app().port());
    }

    @Test
    void a_restart_with_a_shorter_access_ttl_does_not_unpublish_a_retired_key_early() {
        MutableClock clock = new MutableClock();
        try (TestServer server = TestServer.startWith(clock, "--issuer", ISSUER, "--access-ttl", "10m")) {
            String token = AdminApi.login(http(server), "admin", TestServer.ADMIN_PASSWORD).token;
            String oldKid = JWT.decode(token).getKeyId();
            Instant exp = JWT.decode(token).getExpiresAtAsInstant();

            server.restartWith("--issuer", ISSUER, "--access-ttl", "1m");
            Http http = http(server);
            AdminApi admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
            assertEquals(200, admin.post("/admin/api/keys/rotate", "{\"immediate\":true}").status());
            Instant until = Instant.parse(AdminKeysTest.key(admin, oldKid).get("published_until").asText());
            assertFalse(until.isBefore(exp.plusSeconds(60)), "not before the 10-minute token's expiry plus a minute");

            clock.advance(Duration.between(clock.instant(), exp.minusSeconds(1)));
            assertEquals(200, AdminKeysTest.me(http, token), "a 10-minute token of the old key still verifies");
            assertTrue(AdminKeysTest.jwksKids(http).contains(oldKid));
            clock.advance(Duration.between(clock.instant(), until.minusMillis(1)));
            assertTrue(AdminKeysTest.jwksKids(http).contains(oldKid), "published up to the recorded time");
            clock.advance(Duration.ofMillis(1));
            assertFalse(AdminKeysTest.jwksKids(http).contains(oldKid), "and not after it");
        }
    }
}
