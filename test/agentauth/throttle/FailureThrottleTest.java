package agentauth.throttle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import agentauth.Config;
import agentauth.error.AuthError;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fixed-size tables under attack: floods of attacker-chosen names must not help the attacker. */
class FailureThrottleTest {
    MutableClock clock = new MutableClock();
    Path dir;
    Database db;
    FailureThrottle throttle;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("throttle-test");
        db = agentauth.store.sqlite.SqliteDatabase.open(dir.resolve("t.db"), false);
        throttle = FailureThrottle.inMemory(Config.defaults().throttling(), new AuditLog(db, "test"), clock);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** 100,000 random names failing from random addresses: every new key competes for the victim's slot. */
    void flood() {
        Random r = new Random(42);
        for (int i = 0; i < 100_000; i++)
            throttle.failed("flood-" + Long.toHexString(r.nextLong()), "203.0." + r.nextInt(256) + "." + r.nextInt(256));
    }

    @Test
    void a_flood_of_100000_names_does_not_reset_a_victims_name_and_address_counter() {
        for (int i = 0; i < 4; i++) throttle.failed("victim", "198.51.100.1");
        flood();
        assertDoesNotThrow(() -> throttle.check("victim", "198.51.100.1"));
        throttle.failed("victim", "198.51.100.1");
        AuthError e = assertThrows(AuthError.TooManyRequests.class, () -> throttle.check("victim", "198.51.100.1"));
        assertEquals(30, e.retryAfterSeconds());
    }

    @Test
    void a_flood_of_100000_names_does_not_reset_a_victims_name_counter() {
        for (int i = 0; i < 19; i++) throttle.failed("victim", "198.51.100." + i);
        flood();
        throttle.failed("victim", "198.51.100.200");
        assertThrows(AuthError.TooManyRequests.class, () -> throttle.check("victim", "198.51.100.201"));
    }

    @Test
    void a_flood_does_not_lock_out_names_it_never_touched() {
        flood();
        int held = 0;
        for (int i = 0; i < 1000; i++) {
            try {
                throttle.check("bystander-" + i, "198.51.100.50");
            } catch (AuthError.TooManyRequests e) {
                held++;
            }
        }
        assertEquals(0, held);
    }

    @Test
    void a_blocked_key_stays_blocked_through_a_flood() {
        for (int i = 0; i < 5; i++) throttle.failed("victim", "198.51.100.1");
        assertThrows(AuthError.TooManyRequests.class, () -> throttle.check("victim", "198.51.100.1"));
        flood();
        AuthError e = assertThrows(AuthError.TooManyRequests.class, () -> throttle.check("victim", "198.51.100.1"));
        assertEquals(60, e.retryAfterSeconds(), "the backoff kept its place too");
    }

    @Test
    void names_match_ignoring_ascii_case_only() {
        for (int i = 0; i < 5; i++) throttle.failed(i % 2 == 0 ? "Victim" : "VICTIM", "198.51.100.1");
        assertThrows(AuthError.TooManyRequests.class, () -> throttle.check("victim", "198.51.100.1"));
    }
}
