package agentauth.store;

import static agentauth.store.HeldWrite.awaitLockWait;
import static agentauth.store.HeldWrite.patient;
import static agentauth.store.StoreFixture.T0;
import static agentauth.store.StoreFixture.at;
import static agentauth.store.StoreFixture.hash;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.SessionStore.Token;
import agentauth.support.Backend;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one PostgreSQL database, as two servers behind a load balancer have it, each
 * with its own pool: what must hold between their transactions at READ COMMITTED. Each race is
 * either forced into the window that matters (one instance's transaction held open half-way,
 * {@link HeldWrite}) or run many times at once.
 */
class PostgresAcrossInstancesTest {
    @TempDir
    Path dir;

    private StoreFixture f;
    private Database a, b;
    private SessionStore sessionsOnA, sessionsOnB;
    private User owner;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void open() {
        f = StoreFixture.open(Backend.POSTGRES, dir);
        a = f.openAgain("a");
        b = f.openAgain("b");
        sessionsOnA = new SessionStore(a);
        sessionsOnB = new SessionStore(b);
        owner = f.user("owner", "read");
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        if (f != null) f.close();
    }

    /** A rotation's first steps as Rotation takes them: lock the family, refuse an ended one, claim. */
    private static String rotate(Database db, SessionStore sessions, byte[] hash) {
        return db.write(c -> {
            patient(c);
            Token t = sessions.lockFamilyOf(c, hash).orElseThrow();
            if (t.family().revokedAt() != null) return "refused";
            return sessions.claim(c, hash, at(1)) ? "claimed" : "lost";
        });
    }

    @Test
    void of_rotations_racing_on_two_instances_exactly_one_claims_each_token() throws Exception {
        int tokens = 12, racers = 6;
        for (int i = 0; i < tokens; i++) f.family(owner, "race-" + i, T0);
        for (int i = 0; i < tokens; i++) { // one token at a time: the racers never wait for a pooled connection
            byte[] h = hash("race-" + i);
            CyclicBarrier start = new CyclicBarrier(racers);
            List<Future<String>> racing = new ArrayList<>();
            for (int r = 0; r < racers; r++) {
                boolean onA = r % 2 == 0;
                racing.add(pool.submit(() -> {
                    start.await(60, TimeUnit.SECONDS);
                    return onA ? rotate(a, sessionsOnA, h) : rotate(b, sessionsOnB, h);
                }));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> o : racing) results.add(o.get(60, TimeUnit.SECONDS));
            assertEquals(1, results.stream().filter("claimed"::equals).count(), "token " + i + ": " + results);
            assertEquals(racers - 1, results.stream().filter("lost"::equals).count(), "token " + i + ": " + results);
        }
        assertEquals(Integer.toString(tokens), f.one("SELECT COUNT(*) FROM refresh_tokens WHERE used_at IS NOT NULL"));
    }

    /** Instance a claims the token and holds; b's claim of it waits; then a commits or rolls back: b's answer. */
    private boolean claimBehindAnotherInstance(boolean thatCommits) throws Exception {
        f.family(owner, "fam", T0);
        byte[] h = hash("fam");
        HeldWrite<Boolean> onA = new HeldWrite<>(pool, a, c -> sessionsOnA.claim(c, h, at(1)));
        Future<Boolean> onB = pool.submit(() -> b.write(c -> { patient(c); return sessionsOnB.claim(c, h, at(2)); }));
        awaitLockWait(f.postgres(), "b", onB);
        if (thatCommits) assertTrue(onA.commit());
        else onA.rollBack();
        return onB.get(60, TimeUnit.SECONDS);
    }

    @Test
    void a_claim_waiting_on_another_instances_claim_loses_when_that_commits() throws Exception {
        assertEquals(false, claimBehindAnotherInstance(true), "a second claim of the same token");
        assertEquals(Long.toString(at(1).toEpochMilli()), f.one("SELECT used_at FROM refresh_tokens"));
    }

    @Test
    void a_claim_waiting_on_another_instances_claim_wins_when_that_rolls_back() throws Exception {
        assertEquals(true, claimBehindAnotherInstance(false), "the claim that committed is the only one");
        assertEquals(Long.toString(at(2).toEpochMilli()), f.one("SELECT used_at FROM refresh_tokens"));
    }

    @Test
    void a_rotation_started_while_another_instance_revokes_the_family_finds_it_revoked_and_claims_nothing() throws Exception {
        f.family(owner, "fam", T0);
        byte[] h = hash("fam");
        HeldWrite<Boolean> revoking = new HeldWrite<>(pool, a, c -> sessionsOnA.revokeFamily(c, "fam", at(1)));
        Future<String> rotation = pool.submit(() -> rotate(b, sessionsOnB, h));
        awaitLockWait(f.postgres(), "b", rotation);
        assertTrue(revoking.commit());
        assertEquals("refused", rotation.get(60, TimeUnit.SECONDS));
        assertNull(f.one("SELECT used_at FROM refresh_tokens"), "no claimed token in a revoked family");
    }

    @Test
    void a_successor_minted_while_another_instance_revokes_the_user_dies_with_its_family() throws Exception {
        f.family(owner, "fam", T0);
        byte[] h = hash("fam");
        HeldWrite<String> rotation = new HeldWrite<>(pool, a, c -> {
            Token t = sessionsOnA.lockFamilyOf(c, h).orElseThrow();
            sessionsOnA.insertToken(c, hash("successor"), t.family().id(), h, at(1));
            return sessionsOnA.claim(c, h, at(1)) ? "claimed" : "lost";
        });
        Future<Integer> revokeAll = pool.submit(() -> b.write(c -> { patient(c); return sessionsOnB.revokeAllForUser(c, owner.id(), at(2)); }));
        awaitLockWait(f.postgres(), "b", revokeAll);
        assertEquals("claimed", rotation.commit());
        assertEquals(1, revokeAll.get(60, TimeUnit.SECONDS));
        assertEquals(Long.toString(at(2).toEpochMilli()), f.one("SELECT revoked_at FROM families"),
            "the successor minted before the revocation is dead with its family");
    }

    @Test
    void of_two_instances_creating_one_name_at_once_one_creates_it_and_the_other_is_told_it_is_taken() throws Exception {
        UserStore usersOnA = new UserStore(a), usersOnB = new UserStore(b);
        HeldWrite<Optional<User>> onA = new HeldWrite<>(pool, a, c -> usersOnA.insert(c, "Twin", "h", List.of(), true, T0));
        Future<Optional<User>> onB = pool.submit(() -> b.write(c -> { patient(c); return usersOnB.insert(c, "twin", "h", List.of(), true, T0); }));
        awaitLockWait(f.postgres(), "b", onB);
        assertTrue(onA.commit().isPresent());
        assertEquals(Optional.empty(), onB.get(60, TimeUnit.SECONDS));
        assertEquals("Twin", f.one("SELECT username FROM users WHERE username_key = 'twin'"));
    }

    @Test
    void lock_across_instances_waits_as_long_as_another_instance_holds_the_lock() throws Exception {
        HeldWrite<Long> holder = new HeldWrite<>(pool, a, c -> {
            a.lockAcrossInstances(c, "bootstrap");
            return lockTimeoutMillis(c);
        });
        long started = System.nanoTime();
        Future<String> waiter = pool.submit(() -> b.write(c -> {
            b.lockAcrossInstances(c, "bootstrap");
            return "held";
        }));
        awaitLockWait(f.postgres(), "b", waiter);
        // The subject here is a timeout: the holder keeps the lock a second longer than the
        // instances' own lock_timeout, or until the waiter gives up, whichever comes first.
        long holdNanos = TimeUnit.MILLISECONDS.toNanos(holder.heldResult() + 1000);
        while (!waiter.isDone() && System.nanoTime() - started < holdNanos) Thread.sleep(20);
        assertEquals(false, waiter.isDone(), "the second instance stopped waiting while the lock was held");
        holder.commit();
        assertEquals("held", waiter.get(60, TimeUnit.SECONDS));
    }

    /** The session's lock_timeout in milliseconds, as the pool's start-up options set it. */
    private static long lockTimeoutMillis(java.sql.Connection c) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT setting::bigint FROM pg_settings WHERE name = 'lock_timeout'");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
