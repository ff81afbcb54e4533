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

/** Signing keys on both databases: bytes kept exactly, private parts destroyed once, a bound that only grows. */
@ParameterizedClass
@EnumSource(Backend.class)
class SigningKeyStoreTest extends OnBothDatabases {
    private SigningKeyStore keys;

    @BeforeEach
    void open() {
        keys = new SigningKeyStore(f.db);
    }

    private Row insert(String kid, Instant created, Instant activates, Instant tokensUntil) {
        Row row = new Row(kid, created, activates, everyByte(kid.length()), everyByte(255 - kid.length()), tokensUntil, null, null);
        f.db.write(c -> { keys.insert(c, row); return null; });
        return row;
    }

    private Row key(String kid) {
        return keys.all().stream().filter(r -> r.kid().equals(kid)).findFirst().orElseThrow();
    }

    private void write(Database.Work<?> work) {
        f.db.write(work);
    }

    private List<String> flaggedSigning() {
        return f.db.read(c -> {
            List<String> kids = new java.util.ArrayList<>();
            try (var s = c.createStatement(); var r = s.executeQuery("SELECT kid FROM signing_keys WHERE signing = 1 ORDER BY kid")) {
                while (r.next()) kids.add(r.getString(1));
            }
            return kids;
        });
    }

    @Test
    void a_key_reads_back_with_every_column_and_byte_exact() {
        insert("kid-b", at(2), at(7), at(3_600_123));
        List<Row> rows = keys.all();
        assertEquals(1, rows.size());
        Row r = rows.get(0);
        assertEquals("kid-b", r.kid());
        assertEquals(at(2), r.createdAt());
        assertEquals(at(7), r.activatesAt());
        assertArrayEquals(everyByte(5), r.publicKey());
        assertArrayEquals(everyByte(250), r.sealedPrivateKey());
        assertTrue(r.hasPrivateKey());
        assertEquals(at(3_600_123), r.tokensUntil());
        assertNull(r.retiredAt());
        assertNull(r.revokedAt());
    }

    @Test
    void keys_are_listed_by_activation_then_kid() {
        insert("kid-c", at(9), at(1), at(10));
        insert("kid-b", at(1), at(2), at(10));
        insert("kid-a", at(1), at(2), at(10));
        assertEquals(List.of("kid-c", "kid-a", "kid-b"), keys.all().stream().map(Row::kid).toList());
        assertThrows(RuntimeException.class, () -> insert("kid-a", at(3), at(3), at(10)), "a kid is unique");
    }

    @Test
    void the_legacy_signing_flag_marks_exactly_the_named_key() {
        insert("old", T0, T0, at(10));
        insert("new", at(1), at(1), at(10));
        assertEquals(List.of(), flaggedSigning(), "a new key is not flagged");
        write(c -> { keys.markSigning(c, "new"); return null; });
        assertEquals(List.of("new"), flaggedSigning());
        write(c -> { keys.markSigning(c, "old"); return null; });
        assertEquals(List.of("old"), flaggedSigning());
    }

    @Test
    void extend_tokens_until_raises_the_bound_and_never_lowers_it() {
        insert("kid", T0, T0, at(5000));
        insert("bystander", T0, T0, at(5000));
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
        insert("kid", T0, T0, at(9000));
        write(c -> { keys.setTokensUntil(c, "kid", at(1234)); return null; });
        assertEquals(at(1234), key("kid").tokensUntil());
    }

    @Test
    void a_key_retires_once_and_its_private_part_is_destroyed() {
        insert("kid", T0, T0, at(9000));
        write(c -> { keys.markSigning(c, "kid"); return null; });
        assertTrue((boolean) f.db.<Boolean>write(c -> keys.retire(c, "kid", at(55))));
        assertFalse((boolean) f.db.<Boolean>write(c -> keys.retire(c, "kid", at(66))), "retired already");
        Row r = key("kid");
        assertEquals(at(55), r.retiredAt());
        assertFalse(r.hasPrivateKey());
        assertEquals(List.of(), flaggedSigning());
    }

    @Test
    void a_key_is_revoked_once_and_its_private_part_is_destroyed() {
        insert("kid", T0, T0, at(9000));
        assertTrue((boolean) f.db.<Boolean>write(c -> keys.revoke(c, "kid", at(77))));
        assertFalse((boolean) f.db.<Boolean>write(c -> keys.revoke(c, "kid", at(88))), "revoked already");
        Row r = key("kid");
        assertEquals(at(77), r.revokedAt());
        assertFalse(r.hasPrivateKey());
        assertFalse((boolean) f.db.<Boolean>write(c -> keys.revoke(c, "unknown", at(88))));
    }

    @Test
    void keys_whose_tokens_are_long_gone_are_deleted_and_live_ones_stay() {
        insert("retired-gone", T0, T0, at(100));
        insert("retired-live", T0, T0, at(10_000));
        insert("revoked", T0, T0, at(10_000));
        insert("current", T0, at(1), at(100));
        write(c -> { keys.retire(c, "retired-gone", at(50)); keys.retire(c, "retired-live", at(50)); return null; });
        write(c -> { keys.revoke(c, "revoked", at(200)); return null; });
        assertEquals(2, (int) f.db.write(c -> keys.deleteGone(c, at(1000))));
        assertEquals(List.of("current", "retired-live"), keys.all().stream().map(Row::kid).sorted().toList());
    }

    @Test
    void delete_all_leaves_no_key() {
        insert("one", T0, T0, at(10));
        insert("two", T0, T0, at(10));
        write(c -> { keys.deleteAll(c); return null; });
        assertEquals(List.of(), keys.all());
    }
}
