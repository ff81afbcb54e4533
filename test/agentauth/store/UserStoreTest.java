package agentauth.store;

import static agentauth.store.StoreFixture.T0;
import static agentauth.store.StoreFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The users table on both databases: every column as written, names unique ignoring case, uid and gen. */
@ParameterizedClass
@EnumSource(Backend.class)
class UserStoreTest extends OnBothDatabases {
    private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

    private UserStore users;

    @BeforeEach
    void open() {
        users = new UserStore(f.db);
    }

    private Optional<User> insert(String name, List<String> scopes, boolean enabled, Instant now) {
        return f.db.write(c -> users.insert(c, name, HASH, scopes, enabled, now));
    }

    @Test
    void an_inserted_user_reads_back_with_every_column_exact() {
        User u = insert("Agent.One", List.of("read", "write:all"), false, T0).orElseThrow();
        assertTrue(u.id() > 0);
        assertTrue(u.uid().matches("[0-9a-f]{32}"), u.uid());
        assertEquals(new User(u.id(), u.uid(), 0, "Agent.One", HASH, List.of("read", "write:all"), false, T0, T0, null, null, 0), u);
        assertEquals(Optional.of(u), users.find("agent.one"));
        assertEquals(Optional.of(u), users.findByUid(u.uid()));
        assertEquals(Optional.of(u), f.db.read(c -> users.findById(c, u.id())));
    }

    @Test
    void an_update_writes_back_every_mutable_field_and_nulls_stay_null() {
        User u = insert("changer", List.of("read"), true, T0).orElseThrow();
        User changed = new User(u.id(), u.uid(), 7, u.username(), "$argon2id$new", List.of(), false, u.createdAt(), at(1001),
            null, at(1002), 3);
        f.db.write(c -> { users.update(c, changed); return null; });
        assertEquals(Optional.of(changed), users.findByUid(u.uid()), "no scopes is an empty list");
        f.db.write(c -> { users.touchLastLogin(c, u.id(), at(2003)); return null; });
        User back = new User(u.id(), u.uid(), 7, u.username(), "$argon2id$new", List.of("admin", "read"), true, u.createdAt(),
            at(3004), at(2003), null, 3);
        f.db.write(c -> { users.update(c, back); return null; });
        assertEquals(Optional.of(back), users.find("CHANGER"), "credentials_changed_at back to NULL, last login kept");
    }

    @Test
    void names_are_unique_ignoring_ascii_case_and_keep_their_spelling() {
        User first = insert("Agent-7", List.of("read"), true, T0).orElseThrow();
        assertEquals(Optional.empty(), insert("agent-7", List.of(), true, at(1)));
        assertEquals(Optional.empty(), insert("AGENT-7", List.of("admin"), true, at(2)));
        assertEquals(List.of(first), users.list());
        assertEquals("Agent-7", users.find("aGENT-7").orElseThrow().username());
        assertEquals(Optional.empty(), users.find("Agent-70"));
        // The database itself refuses a second row with the same key, whoever writes it.
        assertThrows(RuntimeException.class, () -> f.execute("INSERT INTO users(uid, username, username_key, password_hash, "
            + "scopes, enabled, created_at, updated_at) VALUES ('x', 'agent-7', 'agent-7', 'h', '', 1, 0, 0)"));
    }

    @Test
    void every_user_gets_its_own_uid_and_a_new_user_of_a_deleted_name_never_inherits_it() {
        User a = insert("a-agent", List.of(), true, T0).orElseThrow();
        User b = insert("b-agent", List.of(), true, T0).orElseThrow();
        assertNotEquals(a.uid(), b.uid());
        f.db.write(c -> { users.delete(c, a.id()); return null; });
        assertEquals(Optional.empty(), users.findByUid(a.uid()));
        assertEquals(Optional.empty(), users.find("a-agent"));
        User again = insert("A-agent", List.of(), true, at(5)).orElseThrow();
        assertNotEquals(a.uid(), again.uid());
        assertNotEquals(a.id(), again.id(), "ids are not reused either");
        assertEquals(Optional.empty(), users.findByUid("0".repeat(32)));
    }

    @Test
    void the_database_refuses_a_uid_twice() {
        User a = insert("first", List.of(), true, T0).orElseThrow();
        User b = insert("second", List.of(), true, T0).orElseThrow();
        assertThrows(RuntimeException.class, () -> f.execute("UPDATE users SET uid = ? WHERE id = ?", a.uid(), b.id()));
        assertEquals(b.uid(), users.find("second").orElseThrow().uid(), "the failed write left nothing behind");
    }

    @Test
    void bump_gen_adds_one_to_that_user_only_and_changes_nothing_else() {
        User a = insert("bumped", List.of("read"), true, T0).orElseThrow();
        User b = insert("bystander", List.of("read"), true, T0).orElseThrow();
        f.db.write(c -> { users.bumpGen(c, a.id()); users.bumpGen(c, a.id()); return null; });
        assertEquals(a.nextGen().nextGen(), users.find("bumped").orElseThrow());
        assertEquals(b, users.find("bystander").orElseThrow());
    }

    @Test
    void a_rehash_replaces_only_the_hash_it_was_computed_from() {
        User u = insert("rehashed", List.of(), true, T0).orElseThrow();
        f.db.write(c -> { users.replaceHash(c, u.id(), "$argon2id$someone-else", "$argon2id$stale"); return null; });
        assertEquals(HASH, users.find("rehashed").orElseThrow().passwordHash(), "changed meanwhile: the new one stays");
        f.db.write(c -> { users.replaceHash(c, u.id(), HASH, "$argon2id$stronger"); return null; });
        User after = users.find("rehashed").orElseThrow();
        assertEquals("$argon2id$stronger", after.passwordHash());
        assertEquals(u.gen(), after.gen(), "a rehash is no credential change");
        assertEquals(u.updatedAt(), after.updatedAt());
    }

    @Test
    void list_is_ordered_by_name_ignoring_case_and_is_empty_tells_if_there_is_anyone() {
        assertTrue(users.isEmpty());
        insert("bob", List.of(), true, T0);
        insert("Alice", List.of(), true, T0);
        insert("carol", List.of(), true, T0);
        assertFalse(users.isEmpty());
        assertEquals(List.of("Alice", "bob", "carol"), users.list().stream().map(User::username).toList());
    }

    @Test
    void count_enabled_with_scope_counts_whole_scopes_of_enabled_users() {
        insert("admin-1", List.of("read", "admin"), true, T0);
        insert("admin-2", List.of("admin"), true, T0);
        insert("admin-off", List.of("admin"), false, T0);
        insert("lookalike", List.of("admins", "xadmin"), true, T0);
        assertEquals(2, (int) f.db.read(c -> users.countEnabledWithScope(c, "admin")));
        assertEquals(0, (int) f.db.read(c -> users.countEnabledWithScope(c, "write")));
    }

    @Test
    void deleting_a_user_takes_its_families_and_their_tokens_along() {
        User gone = insert("gone", List.of("read"), true, T0).orElseThrow();
        User kept = insert("kept", List.of("read"), true, T0).orElseThrow();
        f.family(gone, "fam-gone-1", T0);
        f.family(gone, "fam-gone-2", at(1));
        f.family(kept, "fam-kept", T0);
        f.db.write(c -> { users.delete(c, gone.id()); return null; });
        assertEquals(List.of("fam-kept"), f.column("SELECT id FROM families ORDER BY id"));
        assertEquals(List.of("fam-kept"), f.column("SELECT family_id FROM refresh_tokens"));
        assertEquals(Optional.of(kept), users.find("kept"));
    }
}
