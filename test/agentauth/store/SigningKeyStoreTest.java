package agentauth.store;

import static agentauth.store.StoreFixture.T0;
import static agentauth.store.StoreFixture.at;
import static agentauth.store.StoreFixture.everyByte;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.SigningKeyStore.Row;
import agentauth.support.Backend;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Signing keys on both databases: bytes kept exactly, one signing key, a bound that only grows. */
@ParameterizedClass
@EnumSource(Backend.class)
class SigningKeyStoreTest extends OnBothDatabases {
    private SigningKeyStore keys;

    @BeforeEach
    void open() {
        keys = new SigningKeyStore(f.db);
    }

    private Row insert(String kid, Instant created, boolean signing, Instant tokensUntil) {
        Row row = new Row(kid, created, everyByte(kid.length()), everyByte(255 - kid.length()), signing, tokensUntil, null);
        f.db.write(c -> { keys.insert(c, row); return null; });
        return row;
    }

    private Row key(String kid) {
        return keys.all().stream().filter(r -> r.kid().equals(kid)).findFirst().orElseThrow();
    }

    private boolean revoke(String kid, Instant now) {
        return f.db.write(c -> keys.revoke(c, kid, now));
    }

    private void write(Database.Work<?> work) {
        f.db.write(work);
    }

    @Test
    void a_key_reads_back_with_every_column_and_byte_exact() {
        insert("kid-b", at(2), true, at(3_600_123));
        List<Row> rows = keys.all();
        assertEquals(1, rows.size());
        Row r = rows.get(0);
        assertEquals("kid-b", r.kid());
        assertEquals(at(2), r.createdAt());
        assertArrayEquals(everyByte(5), r.publicKey());
        assertArrayEquals(everyByte(250), r.sealedPrivateKey());
        assertTrue(r.signing());
        assertEquals(at(3_600_123), r.tokensUntil());
        assertNull(r.revokedAt());
    }

    @Test
    void keys_are_listed_by_creation_time_then_kid() {
        insert("kid-c", at(1), false, at(10));
        insert("kid-b", at(2), false, at(10));
        insert("kid-a", at(2), true, at(10));
        assertEquals(List.of("kid-c", "kid-a", "kid-b"), keys.all().stream().map(Row::kid).toList());
        assertThrows(RuntimeException.class, () -> insert("kid-a", at(3), false, at(10)), "a kid is unique");
    }

    @Test
    void make_signing_leaves_exactly_the_named_key_signing() {
        insert("old-1", T0, true, at(10));
        insert("old-2", T0, true, at(10)); // two at once, as a crash between two writes could leave them
        insert("new", at(1), false, at(10));
        write(c -> { keys.makeSigning(c, "new"); return null; });
        assertEquals(List.of("new"), keys.all().stream().filter(Row::signing).map(Row::kid).toList());
        write(c -> { keys.makeSigning(c, "old-1"); return null; });
        assertEquals(List.of("old-1"), keys.all().stream().filter(Row::signing).map(Row::kid).toList());
    }

    @Test
    void extend_tokens_until_raises_the_bound_and_never_lowers_it() {
        insert("kid", T0, true, at(5000));
        insert("bystander", T0, false, at(5000));
        write(c -> { keys.extendTokensUntil(c, "kid", at(4999)); return null; });
        assertEquals(at(5000), key("kid").tokensUntil(), "an earlier bound is ignored");
        write(c -> { keys.extendTokensUntil(c, "kid", at(5000)); return null; });
        assertEquals(at(5000), key("kid").tokensUntil());
        write(c -> { keys.extendTokensUntil(c, "kid", at(5001)); return null; });
        assertEquals(at(5001), key("kid").tokensUntil());
        write(c -> { keys.extendTokensUntil(c, "kid", T0); return null; });
        assertEquals(at(5001), key("kid").tokensUntil());
        assertEquals(at(5000), key("bystander").tokensUntil());
    }

    @Test
    void set_tokens_until_sets_the_exact_bound_even_lower() {
        insert("kid", T0, false, at(9000));
        write(c -> { keys.setTokensUntil(c, "kid", at(1234)); return null; });
        assertEquals(at(1234), key("kid").tokensUntil());
    }

    @Test
    void a_key_is_revoked_once_and_stops_signing() {
        insert("kid", T0, true, at(9000));
        assertTrue(revoke("kid", at(77)));
        assertFalse(revoke("kid", at(88)), "revoked already");
        Row r = key("kid");
        assertEquals(at(77), r.revokedAt());
        assertFalse(r.signing());
        assertFalse(revoke("unknown", at(88)));
    }

    @Test
    void delete_all_leaves_no_key() {
        insert("one", T0, true, at(10));
        insert("two", T0, false, at(10));
        write(c -> { keys.deleteAll(c); return null; });
        assertEquals(List.of(), keys.all());
    }
}
