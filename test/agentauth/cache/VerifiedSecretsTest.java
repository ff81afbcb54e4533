package agentauth.cache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.cache.VerifiedSecrets;
import agentauth.store.User;
import agentauth.support.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verified-secret records match only the same secret for the same user row in the same credential state. */
class VerifiedSecretsTest {
    final MutableClock clock = new MutableClock();
    final VerifiedSecrets cache = new VerifiedSecrets(Duration.ofMinutes(5), 100, clock);

    static User user(long id, long version, String hash) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new User(id, "uid-" + id, 0, "agent-" + id, hash, List.of("read"), true, t, t, null, null, version);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_remembered_secret_matches_its_user_again() {
        cache.remember(user(1, 0, "$h1"), bytes("right-secret-123"));
        assertTrue(cache.matches(user(1, 0, "$h1"), bytes("right-secret-123")));
    }

    @Test
    void another_secret_does_not_match() {
        cache.remember(user(1, 0, "$h1"), bytes("right-secret-123"));
        assertFalse(cache.matches(user(1, 0, "$h1"), bytes("right-secret-124")));
        assertFalse(cache.matches(user(1, 0, "$h1"), bytes("")));
    }

    @Test
    void nothing_matches_for_a_user_never_verified() {
        cache.remember(user(1, 0, "$h1"), bytes("right-secret-123"));
        assertFalse(cache.matches(user(2, 0, "$h1"), bytes("right-secret-123")));
    }

    @Test
    void a_new_credential_version_forgets_the_secret() {
        cache.remember(user(1, 3, "$h1"), bytes("right-secret-123"));
        assertFalse(cache.matches(user(1, 4, "$h1"), bytes("right-secret-123")));
        // and it stays forgotten, even for the old version
        assertFalse(cache.matches(user(1, 3, "$h1"), bytes("right-secret-123")));
    }

    @Test
    void another_stored_hash_under_the_same_id_does_not_match() {
        // a user deleted and created again may get the same id and version, never the same salted hash
        cache.remember(user(1, 0, "$h1"), bytes("right-secret-123"));
        assertFalse(cache.matches(user(1, 0, "$h2"), bytes("right-secret-123")));
    }

    @Test
    void a_record_expires_after_its_lifetime() {
        cache.remember(user(1, 0, "$h1"), bytes("right-secret-123"));
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertTrue(cache.matches(user(1, 0, "$h1"), bytes("right-secret-123")));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(cache.matches(user(1, 0, "$h1"), bytes("right-secret-123")));
    }

    @Test
    void the_table_never_holds_more_than_its_bound() {
        VerifiedSecrets small = new VerifiedSecrets(Duration.ofMinutes(5), 2, clock);
        for (long id = 1; id <= 3; id++) small.remember(user(id, 0, "$h"), bytes("secret-" + id));
        int kept = 0;
        for (long id = 1; id <= 3; id++) if (small.matches(user(id, 0, "$h"), bytes("secret-" + id))) kept++;
        assertTrue(kept <= 2, "kept " + kept);
        assertTrue(small.matches(user(3, 0, "$h"), bytes("secret-3")), "the newest record is kept");
    }
}
