package agentauth.store;

import static agentauth.store.StoreFixture.T0;
import static agentauth.store.StoreFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.AuditLog.Event;
import agentauth.store.AuditLog.Page;
import agentauth.support.Backend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The audit log on both databases: every field, newest first, pages by cursor, filters by user and type. */
@ParameterizedClass
@EnumSource(Backend.class)
class AuditLogTest extends OnBothDatabases {
    private AuditLog audit;

    @BeforeEach
    void open() {
        audit = new AuditLog(f.db, "test");
    }

    /** Records events for the users named, one a millisecond apart, as logins. */
    private void logins(String... users) {
        for (int i = 0; i < users.length; i++) audit.record(at(i), "login", users[i], null, null, null);
    }

    private static List<String> users(Page page) {
        return page.events().stream().map(Event::user).toList();
    }

    @Test
    void an_event_reads_back_with_every_field_exact_and_nulls_as_nulls() {
        audit.record(at(42), "user_updated", "Agent-1", "admin", "2001:db8::1", "scopes: read write \u2192 read");
        audit.record(at(43), "startup", null, null, null, null);
        List<Event> events = audit.list(10, null, null, null).events();
        assertEquals(2, events.size());
        Event full = events.get(1);
        assertEquals(new Event(full.id(), at(42), "user_updated", "Agent-1", "admin", "2001:db8::1",
            "scopes: read write \u2192 read", "test"), full);
        Event bare = events.get(0);
        assertEquals(new Event(bare.id(), at(43), "startup", null, null, null, null, "test"), bare);
    }

    @Test
    void an_unknown_type_is_refused_and_nothing_is_written() {
        assertThrows(IllegalArgumentException.class, () -> audit.record(T0, "logged_in", "a", null, null, null));
        assertEquals("0", f.one("SELECT COUNT(*) FROM audit_events"));
    }

    @Test
    void an_event_recorded_in_a_transaction_that_rolls_back_is_gone_with_it() {
        assertThrows(IllegalStateException.class, () -> f.db.write(c -> {
            audit.record(c, T0, "user_deleted", "gone", "admin", null, null);
            throw new IllegalStateException("the change failed after its event was recorded");
        }));
        f.db.write(c -> { audit.record(c, at(1), "user_created", "kept", "admin", null, null); return null; });
        assertEquals(List.of("kept"), users(audit.list(10, null, null, null)));
    }

    @Test
    @ResourceLock(Resources.SYSTEM_ERR) // replaces System.err for a moment
    void an_event_that_rolls_back_leaves_no_log_line() {
        String committed = "committed-" + System.nanoTime(), rolledBack = "rolled-back-" + System.nanoTime();
        String log = capturingStandardError(() -> {
            f.db.write(c -> { audit.record(c, T0, "user_deleted", committed, "admin", null, null); return null; });
            assertThrows(IllegalStateException.class, () -> f.db.write(c -> {
                audit.record(c, T0, "user_deleted", rolledBack, "admin", null, null);
                throw new IllegalStateException("the deletion failed after its event was recorded");
            }));
        });
        assertTrue(log.contains("user=" + committed), "a committed event is logged: " + log);
        assertFalse(log.contains(rolledBack), "a rolled-back event is not: " + log);
    }

    /** What slf4j-simple (which looks System.err up at every line) printed while {@code r} ran. */
    private static String capturingStandardError(Runnable r) {
        PrintStream original = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pages_follow_the_cursor_newest_first_without_gaps_or_repeats() {
        logins("u1", "u2", "u3", "u4", "u5", "u6", "u7");
        Page first = audit.list(3, null, null, null);
        assertEquals(List.of("u7", "u6", "u5"), users(first));
        assertEquals(first.events().get(2).id(), first.next());
        Page second = audit.list(3, first.next(), null, null);
        assertEquals(List.of("u4", "u3", "u2"), users(second));
        Page last = audit.list(3, second.next(), null, null);
        assertEquals(List.of("u1"), users(last));
        assertNull(last.next(), "the end");
    }

    @Test
    void a_last_page_that_is_exactly_full_has_no_next_cursor() {
        logins("u1", "u2", "u3", "u4");
        Page first = audit.list(2, null, null, null);
        Page second = audit.list(2, first.next(), null, null);
        assertEquals(List.of("u2", "u1"), users(second));
        assertNull(second.next());
        assertEquals(List.of(), audit.list(2, second.events().get(1).id(), null, null).events());
    }

    @Test
    void the_user_filter_ignores_case_and_matches_whole_names_only() {
        logins("Agent-7", "agent-70", "agent-7", null, "AGENT-7", "other");
        assertEquals(List.of("AGENT-7", "agent-7", "Agent-7"), users(audit.list(10, null, "aGeNt-7", null)));
        assertEquals(List.of(), users(audit.list(10, null, "agent", null)));
        assertEquals(List.of(), users(audit.list(10, null, "agent-%", null)), "no pattern matching");
    }

    @Test
    void the_type_filter_and_the_user_filter_combine_and_page() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            audit.record(at(i), "login_failed", i % 2 == 0 ? "Bot" : "bystander", null, "10.0.0." + i, null);
            audit.record(at(i), "login", "bot", null, "10.0.0." + i, null);
            if (i % 2 == 0) expected.add(0, "10.0.0." + i);
        }
        assertEquals(12, audit.list(100, null, null, null).events().size());
        assertEquals(6, audit.list(100, null, null, "login").events().size());
        Page first = audit.list(2, null, "BOT", "login_failed");
        assertEquals(expected.subList(0, 2), first.events().stream().map(Event::address).toList());
        Page second = audit.list(2, first.next(), "BOT", "login_failed");
        assertEquals(expected.subList(2, 3), second.events().stream().map(Event::address).toList());
        assertNull(second.next());
    }

    @Test
    void prune_deletes_events_older_than_the_cutoff_only() {
        audit.record(at(999), "login", "old", null, null, null);
        audit.record(at(1000), "login", "at-cutoff", null, null, null);
        audit.record(at(1001), "login", "new", null, null, null);
        assertEquals(1, audit.prune(at(1000)));
        assertEquals(List.of("new", "at-cutoff"), users(audit.list(10, null, null, null)));
        assertEquals(0, audit.prune(at(1000)));
    }
}
