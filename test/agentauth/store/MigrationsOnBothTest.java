package agentauth.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The numbered migrations on both databases: a new database reaches the latest version with each
 * step recorded once, a current one is left alone, instances opening one new database together
 * take turns, and a database newer than the code is refused.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class MigrationsOnBothTest {
    private static final List<String> ALL_VERSIONS = IntStream.rangeClosed(1, Migrations.latest())
        .mapToObj(Integer::toString).toList();

    @Parameter
    Backend backend;
    @TempDir
    Path dir;

    private StoreFixture f;

    @AfterEach
    void close() {
        if (f != null) f.close();
    }

    /** Each recorded step as "version:applied_at", in order. */
    private static List<String> recorded(Database db) {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT version, applied_at FROM schema_migrations ORDER BY version");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) out.add(r.getInt(1) + ":" + r.getLong(2));
            }
            return out;
        });
    }

    private static List<String> versions(Database db) {
        return recorded(db).stream().map(v -> v.substring(0, v.indexOf(':'))).toList();
    }

    @Test
    void a_new_database_reaches_the_latest_version_with_each_step_recorded_once() {
        long before = System.currentTimeMillis();
        f = StoreFixture.open(backend, dir);
        assertEquals(ALL_VERSIONS, versions(f.db));
        for (String step : recorded(f.db)) {
            long appliedAt = Long.parseLong(step.substring(step.indexOf(':') + 1));
            assertTrue(appliedAt >= before && appliedAt <= System.currentTimeMillis(), step);
        }
        assertTrue(f.db.healthy());
    }

    @Test
    void opening_a_current_database_again_applies_nothing() {
        f = StoreFixture.open(backend, dir);
        List<String> first = recorded(f.db);
        Database again = f.openAgain("second");
        assertEquals(first, recorded(again));
        assertEquals(first, recorded(f.db));
    }

    @Test
    void four_instances_opening_one_new_database_at_once_all_open_and_apply_each_step_once() throws Exception {
        f = StoreFixture.unopened(backend, dir);
        int openers = 4;
        CyclicBarrier together = new CyclicBarrier(openers);
        ExecutorService pool = Executors.newFixedThreadPool(openers);
        try {
            List<Future<Database>> opened = new ArrayList<>();
            for (int i = 0; i < openers; i++) {
                String id = "opener-" + i;
                opened.add(pool.submit(() -> {
                    together.await(60, TimeUnit.SECONDS);
                    return f.openAgain(id);
                }));
            }
            List<Database> instances = new ArrayList<>();
            for (Future<Database> o : opened) instances.add(o.get(120, TimeUnit.SECONDS)); // each opened, none failed
            for (Database d : instances) assertEquals(ALL_VERSIONS, versions(d));
            assertEquals(recorded(instances.get(0)), recorded(instances.get(3)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_database_newer_than_the_code_is_refused_and_left_as_it_is() {
        f = StoreFixture.open(backend, dir);
        int newer = Migrations.latest() + 1;
        f.execute("INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)", newer, 0L);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.openAgain("older-code"));
        assertTrue(e.getMessage().contains("has schema version " + newer + " but this agent-auth knows only up to "
            + Migrations.latest() + "; run a newer agent-auth"), e.getMessage());
        assertEquals(Integer.toString(newer), f.one("SELECT MAX(version) FROM schema_migrations"));
    }
}
