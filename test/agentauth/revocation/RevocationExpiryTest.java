package agentauth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.RevocationStore;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Entries of GET /revocations expire (CONTRACT Round 2 B): an entry lives until the largest
 * {@code exp} issued before it has passed, plus 60 s, so the list stays small however many kills
 * there were. The server reads time from a clock the test moves; the prune is the statement the
 * server's hourly job runs ({@link RevocationStore#prune}), run here on the server's database
 * because the job itself ({@code App.prune}) cannot be triggered before its first run, a minute
 * after start.
 */
class RevocationExpiryTest {
    /** The server's default access TTL: the implementation bounds an entry by one TTL of headroom past the last exp. */
    private static final Duration ACCESS_TTL = Duration.ofMinutes(15);

    private final MutableClock clock = new MutableClock();
    @AutoClose
    private final TestServer server = TestServer.startWith(clock);
    private Admin admin;

    @BeforeEach
    void signInAsAdmin() {
        admin = new Admin(new Http(server.url()));
    }

    @Test
    void a_kill_stays_listed_while_a_token_it_kills_may_live_and_is_pruned_after() {
        Killed killed = killAgentAndListIt("agent-expiring");
        String uid = killed.uid();
        Instant lastExp = killed.lastExp();

        moveClockTo(lastExp.plus(RevocationStore.MARGIN).minusSeconds(1));
        prune();
        assertTrue(list().get("subjects").has(uid), "a minute past the last exp, verifiers with skew still need it");

        long version = list().get("version").asLong();
        moveClockTo(lastExp.plus(ACCESS_TTL).plus(RevocationStore.MARGIN).plusSeconds(1));
        assertTrue(prune() >= 1, "the entry is pruned");
        JsonNode after = list();
        assertEquals(0, after.get("subjects").size(), after.toString());
        assertTrue(after.get("version").asLong() > version, "pruning is a change: verifiers fetch the smaller list");
    }

    @Test
    void a_pre_published_next_key_does_not_keep_kills_listed_until_it_activates() {
        admin.post("/admin/api/keys/rotate"); // publishes the next key, to sign in 7 days
        Killed killed = killAgentAndListIt("agent-beside-next-key");
        moveClockTo(killed.lastExp().plus(ACCESS_TTL).plus(RevocationStore.MARGIN).plusSeconds(1));
        prune();
        assertEquals(0, list().get("subjects").size(), list().toString());
    }

    /** A killed agent's uid, and the exp of the last token issued before the kill (its own: it logged in after the admin). */
    private record Killed(String uid, Instant lastExp) {}

    /** Creates the agent, logs it in, kills it, and returns it once listed. */
    private Killed killAgentAndListIt(String name) {
        admin.createAgent(name, "read");
        JsonNode claims = Admin.jwt(admin.accessToken(name), 1);
        admin.kill(name);
        String uid = claims.get("uid").asText();
        clock.advance(Duration.ofSeconds(1)); // the server re-reads the list at most once a second
        assertTrue(list().get("subjects").has(uid), list().toString());
        return new Killed(uid, Instant.ofEpochSecond(claims.get("exp").asLong()));
    }

    private void moveClockTo(Instant t) {
        clock.advance(Duration.between(clock.instant(), t));
    }

    private JsonNode list() {
        return admin.revocations();
    }

    /** What the server's prune job runs, at the server's clock; returns the entries deleted. */
    private int prune() {
        return server.app().database().write(c -> new RevocationStore(server.app().database()).prune(c, clock.instant()));
    }
}
