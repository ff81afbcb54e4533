package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.App;
import agentauth.Config;
import agentauth.Logging;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.auth0.jwt.JWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A retired key's publication time is recorded per key, so a restart with a shorter access TTL
 * cannot drop it while tokens it signed under the longer TTL still live. Two servers on one
 * database file, with a fixed issuer so tokens from the first are this server's for the second.
 */
class AdminKeysRestartTest {
    static final String ISSUER = "http://agent-auth.test";
    static final Map<String, String> ENV = Map.of("AGENT_AUTH_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);

    static {
        Logging.configure();
    }

    static App start(Path db, Clock clock, String accessTtl) {
        return App.start(Config.parse(List.of("--host", "127.0.0.1", "--port", "0", "--db", db.toString(),
            "--issuer", ISSUER, "--argon2-memory", "1024", "--access-ttl", accessTtl), ENV), ENV, clock);
    }

    static Http http(App app) {
        return new Http("http://127.0.0.1:" + app.port());
    }

    @Test
    void a_restart_with_a_shorter_access_ttl_does_not_unpublish_a_retired_key_early() throws IOException {
        MutableClock clock = new MutableClock();
        Path dir = Files.createTempDirectory("agent-auth-restart");
        Path db = dir.resolve("agent-auth.db");
        try {
            String token;
            String oldKid;
            String publishedUntil;
            try (App first = start(db, clock, "10m")) {
                AdminApi admin = AdminApi.login(http(first), "admin", TestServer.ADMIN_PASSWORD);
                token = admin.token;
                oldKid = JWT.decode(token).getKeyId();
                assertEquals(200, admin.post("/admin/api/keys/rotate").status());
                publishedUntil = AdminKeysTest.key(admin, oldKid).get("published_until").asText();
            }
            Instant exp = JWT.decode(token).getExpiresAtAsInstant();
            Instant until = Instant.parse(publishedUntil);
            assertTrue(!until.isBefore(exp.plus(Duration.ofMinutes(1))), "at least the last expiry plus a minute");

            try (App second = start(db, clock, "1m")) {
                Http http = http(second);
                AdminApi admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
                assertEquals(publishedUntil, AdminKeysTest.key(admin, oldKid).get("published_until").asText(),
                    "the recorded time survives the restart");
                clock.advance(Duration.between(clock.instant(), exp.minusSeconds(1)));
                assertEquals(200, AdminKeysTest.me(http, token), "a 10-minute token of the old key still verifies");
                assertTrue(AdminKeysTest.jwksKids(http).contains(oldKid));
                clock.advance(Duration.between(clock.instant(), until.minusMillis(1)));
                assertTrue(AdminKeysTest.jwksKids(http).contains(oldKid), "published up to the recorded time");
                clock.advance(Duration.ofMillis(1));
                assertFalse(AdminKeysTest.jwksKids(http).contains(oldKid), "and not after it");
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
