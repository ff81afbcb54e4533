package agentauth.store;

import static agentauth.store.StoreFixture.T0;
import static agentauth.store.StoreFixture.at;
import static agentauth.store.StoreFixture.everyByte;
import static agentauth.store.StoreFixture.hash;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.SessionStore.Token;
import agentauth.support.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Families and refresh tokens on both databases: every column, claims, retry copies, revocation, pruning. */
@ParameterizedClass
@EnumSource(Backend.class)
class SessionStoreTest extends OnBothDatabases {
    private SessionStore sessions;
    private User owner;

    @BeforeEach
    void open() {
        sessions = new SessionStore(f.db);
        owner = f.user("owner", "read");
    }

    private <T> T write(Database.Work<T> work) {
        return f.db.write(work);
    }

    private Family family(String id, List<String> scope, Instant created, Instant expires) {
        Family family = new Family(id, owner.id(), scope, "https://api.example/v1", created, expires, null);
        write(c -> { sessions.insertFamily(c, family); return null; });
        return family;
    }

    private byte[] token(String familyId, byte[] hash, byte[] parent, Instant created) {
        write(c -> { sessions.insertToken(c, hash, familyId, parent, created); return null; });
        return hash;
    }

    private boolean claim(byte[] hash, Instant now) {
        return write(c -> sessions.claim(c, hash, now));
    }

    private boolean revoke(String familyId, Instant now) {
        return write(c -> sessions.revokeFamily(c, familyId, now));
    }

    private boolean used(byte[] hash) {
        return f.db.read(c -> sessions.isUsed(c, hash));
    }

    private Token find(byte[] hash) {
        return f.db.read(c -> sessions.findToken(c, hash)).orElseThrow();
    }

    @Test
    void a_family_and_its_token_read_back_with_every_column_exact() {
        Family fam = family("sid-0001", List.of("read", "write:all"), T0, at(86_400_001));
        byte[] h = token("sid-0001", everyByte(0), null, at(1));
        assertEquals(Optional.of(fam), sessions.family("sid-0001"));
        Token t = find(h);
        assertArrayEquals(everyByte(0), t.hash());
        assertEquals(fam, t.family());
        assertNull(t.usedAt());
        assertNull(t.successor());
        assertNull(t.successorUntil());
        assertEquals(List.of(Long.toString(at(1).toEpochMilli())), f.column("SELECT created_at FROM refresh_tokens"));
        assertEquals(Optional.empty(), f.db.read(c -> sessions.findToken(c, everyByte(1))));
        assertEquals(Optional.empty(), sessions.family("sid-none"));
    }

    @Test
    void a_family_without_scopes_reads_back_an_empty_list() {
        family("sid-empty", List.of(), T0, at(1000));
        assertEquals(List.of(), sessions.family("sid-empty").orElseThrow().scope());
    }

    @Test
    void lock_family_of_answers_as_find_token_does() {
        Family fam = family("sid-lock", List.of("read"), T0, at(1000));
        byte[] h = token("sid-lock", hash("lock"), null, T0);
        Token locked = write(c -> sessions.lockFamilyOf(c, h)).orElseThrow();
        assertEquals(fam, locked.family());
        assertNull(locked.usedAt());
        assertEquals(Optional.empty(), write(c -> sessions.lockFamilyOf(c, hash("unknown"))));
    }

    @Test
    void a_token_is_claimed_once_and_a_second_claim_changes_nothing() {
        family("sid-claim", List.of("read"), T0, at(100_000));
        byte[] h = token("sid-claim", hash("claim"), null, T0);
        assertFalse(used(h));
        assertTrue(claim(h, at(10)));
        assertFalse(claim(h, at(20)), "a second claim of the same token");
        assertEquals(at(10), find(h).usedAt(), "the first claim's time stays");
        assertTrue(used(h));
        assertFalse(claim(hash("never issued"), at(30)));
    }

    @Test
    void a_claim_in_a_transaction_that_rolls_back_leaves_the_token_unused() {
        family("sid-rollback", List.of("read"), T0, at(100_000));
        byte[] h = token("sid-rollback", hash("rollback"), null, T0);
        try {
            write(c -> {
                sessions.claim(c, h, at(5));
                throw new IllegalArgumentException("a refusal after the claim (another resource)");
            });
        } catch (IllegalArgumentException expected) {
            // the refusal reaches the caller; the claim must not stay behind
        }
        assertNull(find(h).usedAt());
        assertTrue(claim(h, at(6)));
    }

    @Test
    void a_retry_copy_is_kept_exactly_and_dropped_once_the_successor_is_used() {
        family("sid-retry", List.of("read"), T0, at(100_000));
        byte[] parent = token("sid-retry", hash("parent"), null, T0);
        byte[] child = token("sid-retry", hash("child"), parent, at(1));
        byte[] other = token("sid-retry", hash("other"), null, at(2));
        write(c -> {
            sessions.claim(c, parent, at(1));
            sessions.keepRetryCopy(c, parent, everyByte(128), at(5001));
            sessions.keepRetryCopy(c, other, everyByte(7), at(5002));
            return null;
        });
        Token kept = find(parent);
        assertArrayEquals(everyByte(128), kept.successor());
        assertEquals(at(5001), kept.successorUntil());
        assertEquals(at(1), kept.usedAt());

        write(c -> { sessions.dropRetryCopyOfParent(c, child); return null; });
        assertNull(find(parent).successor());
        assertNull(find(parent).successorUntil());
        assertArrayEquals(everyByte(7), find(other).successor(), "only the parent's copy goes");
        write(c -> { sessions.dropRetryCopyOfParent(c, other); return null; }); // no parent: nothing to drop
        assertArrayEquals(everyByte(7), find(other).successor());
    }

    @Test
    void expired_retry_copies_go_at_the_end_of_their_window_and_not_before() {
        family("sid-windows", List.of("read"), T0, at(100_000));
        byte[] ended = token("sid-windows", hash("ended"), null, T0);
        byte[] endsNow = token("sid-windows", hash("ends now"), null, T0);
        byte[] open = token("sid-windows", hash("open"), null, T0);
        write(c -> {
            sessions.keepRetryCopy(c, ended, new byte[] {1}, at(999));
            sessions.keepRetryCopy(c, endsNow, new byte[] {2}, at(1000));
            sessions.keepRetryCopy(c, open, new byte[] {3}, at(1001));
            return null;
        });
        assertEquals(2, (int) write(c -> sessions.dropExpiredRetryCopies(c, at(1000))));
        assertNull(find(ended).successor());
        assertNull(find(endsNow).successorUntil());
        assertArrayEquals(new byte[] {3}, find(open).successor());
        assertEquals(at(1001), find(open).successorUntil());
        assertEquals(0, (int) write(c -> sessions.dropExpiredRetryCopies(c, at(1000))));
    }

    @Test
    void a_claim_with_its_successor_stores_the_successor_only_for_the_one_claim_that_won() {
        family("sid-next", List.of("read"), T0, at(100_000));
        byte[] presented = token("sid-next", everyByte(10), null, at(1));
        assertTrue(write(c -> sessions.claimWithSuccessor(c, presented, everyByte(11), "sid-next", at(5))).booleanValue());
        assertFalse(write(c -> sessions.claimWithSuccessor(c, presented, everyByte(12), "sid-next", at(6))).booleanValue());
        assertEquals(at(5), find(presented).usedAt());
        Token next = find(everyByte(11));
        assertEquals("sid-next", next.family().id());
        assertNull(next.usedAt());
        assertEquals(List.of(Long.toString(at(5).toEpochMilli())),
            f.column("SELECT created_at FROM refresh_tokens WHERE parent_hash IS NOT NULL"));
        assertEquals(Optional.empty(), f.db.read(c -> sessions.findToken(c, everyByte(12))), "the losing claim stored nothing");
    }

    @Test
    void a_narrowed_scope_stays_narrowed() {
        family("sid-narrow", List.of("read", "write"), T0, at(100_000));
        write(c -> {
            sessions.narrowScope(c, "sid-narrow", List.of("read"));
            return null;
        });
        assertEquals(List.of("read"), sessions.family("sid-narrow").orElseThrow().scope());
    }

    @Test
    void a_family_is_revoked_only_once_and_keeps_the_first_time() {
        family("sid-revoke", List.of("read"), T0, at(100_000));
        assertTrue(revoke("sid-revoke", at(50)));
        assertFalse(revoke("sid-revoke", at(60)));
        assertEquals(at(50), sessions.family("sid-revoke").orElseThrow().revokedAt());
        assertFalse(revoke("sid-none", at(60)));
    }

    @Test
    void revoke_all_for_user_ends_and_counts_only_the_users_live_families() {
        Instant now = at(10_000);
        family("live-1", List.of("read"), T0, at(20_000));
        family("live-2", List.of("read"), T0, at(10_001));
        family("expires-now", List.of("read"), T0, now);
        family("expired", List.of("read"), T0, at(9_999));
        family("revoked", List.of("read"), T0, at(20_000));
        revoke("revoked", at(5));
        User other = f.user("other", "read");
        f.family(other, "others", T0);

        assertEquals(2, (int) write(c -> sessions.revokeAllForUser(c, owner.id(), now)));
        assertEquals(List.of("live-1:" + now.toEpochMilli(), "live-2:" + now.toEpochMilli(), "revoked:" + at(5).toEpochMilli()),
            f.column("SELECT id || ':' || revoked_at FROM families WHERE revoked_at IS NOT NULL ORDER BY id"));
        assertEquals(0, (int) write(c -> sessions.revokeAllForUser(c, owner.id(), at(10_001))));
        assertNull(sessions.family("others").orElseThrow().revokedAt());
    }

    @Test
    void live_families_beyond_keeps_the_newest_and_breaks_ties_of_time_by_insertion_order() {
        // Inserted in this order; ids sort otherwise, so that only the insertion order explains the answer.
        family("m-later", List.of(), at(5), at(100_000));
        family("z-tie-1", List.of(), T0, at(100_000));
        family("a-tie-2", List.of(), T0, at(100_000));
        family("q-tie-3", List.of(), T0, at(100_000));
        family("c-tie-4", List.of(), T0, at(100_000));
        family("b-revoked", List.of(), at(1), at(100_000));
        revoke("b-revoked", at(2));
        family("d-expired", List.of(), at(1), at(50));
        Instant now = at(50);

        assertEquals(List.of("z-tie-1", "a-tie-2", "q-tie-3"), beyond(now, 2), "oldest first; the newest two stay");
        assertEquals(List.of("z-tie-1", "a-tie-2", "q-tie-3", "c-tie-4", "m-later"), beyond(now, 0));
        assertEquals(List.of("z-tie-1"), beyond(now, 4));
        assertEquals(List.of(), beyond(now, 5));
        assertEquals(List.of(), beyond(now, 100));
    }

    private List<String> beyond(Instant now, int keep) {
        return f.db.read(c -> sessions.liveFamiliesBeyond(c, owner.id(), now, keep));
    }

    @Test
    void prune_deletes_families_ended_before_the_cutoff_with_their_tokens_and_ended_retry_copies() {
        Instant cutoff = at(1000);
        family("expired-before", List.of(), T0, at(999));
        family("expires-at-cutoff", List.of(), T0, cutoff);
        family("revoked-before", List.of(), T0, at(100_000));
        family("revoked-at-cutoff", List.of(), T0, at(100_000));
        family("live", List.of(), T0, at(100_000));
        write(c -> {
            sessions.revokeFamily(c, "revoked-before", at(999));
            sessions.revokeFamily(c, "revoked-at-cutoff", cutoff);
            return null;
        });
        for (String id : List.of("expired-before", "expires-at-cutoff", "revoked-before", "revoked-at-cutoff", "live"))
            token(id, hash(id), null, T0);
        write(c -> {
            sessions.keepRetryCopy(c, hash("live"), new byte[] {9}, at(1500));
            sessions.keepRetryCopy(c, hash("expires-at-cutoff"), new byte[] {8}, at(3000));
            return null;
        });

        assertEquals(2, (int) write(c -> sessions.prune(c, at(2000), cutoff)));
        List<String> left = List.of("expires-at-cutoff", "live", "revoked-at-cutoff");
        assertEquals(left, f.column("SELECT id FROM families ORDER BY id"));
        assertEquals(left, f.column("SELECT family_id FROM refresh_tokens ORDER BY family_id"), "tokens went with their families");
        assertNull(find(hash("live")).successor(), "its window ended at the prune's now");
        assertArrayEquals(new byte[] {8}, find(hash("expires-at-cutoff")).successor());
    }

    @Test
    void a_token_of_an_unknown_family_and_a_family_of_an_unknown_user_are_refused() {
        assertThrows(RuntimeException.class, () -> token("sid-none", hash("orphan"), null, T0));
        assertThrows(RuntimeException.class, () -> write(c -> {
            sessions.insertFamily(c, new Family("sid-orphan", owner.id() + 1000, List.of(), "aud", T0, at(1), null));
            return null;
        }));
        assertEquals("0", f.one("SELECT COUNT(*) FROM families"));
    }
}
