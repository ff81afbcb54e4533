package agentauth.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.error.AuthError;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes that queue behind the write lock commit together, yet each keeps its own outcome: one
 * that throws leaves nothing behind, the others commit, and every caller gets its own answer.
 */
class GroupCommitTest {
    private static final int WRITERS = 12;
    /** A safety net, never the condition: on a loaded machine a thread may start or run late. */
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void queued_writes_commit_in_one_transaction_and_a_failing_one_leaves_nothing_behind() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("g.db"), false)) {
            db.write(c -> {
                try (Statement s = c.createStatement()) { s.execute("CREATE TABLE t (n INTEGER NOT NULL)"); }
                return null;
            });
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
            try {
                // One write holds the lock until every other writer is parked in the queue.
                CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
                Future<?> first = pool.submit(() -> db.write(c -> {
                    holding.countDown();
                    await(release);
                    return insert(c, -1);
                }));
                assertTrue(holding.await(WAIT_SECONDS, TimeUnit.SECONDS));
                long commitsBefore = db.commits();
                List<Thread> writers = new ArrayList<>();
                List<Future<Integer>> results = new ArrayList<>();
                for (int i = 0; i < WRITERS; i++) {
                    int n = i;
                    results.add(pool.submit(() -> {
                        synchronized (writers) { writers.add(Thread.currentThread()); }
                        return db.write(c -> {
                            insert(c, n);
                            if (n % 3 == 0) throw new AuthError.Conflict("writer " + n + " changed its mind");
                            if (n == 4) throw new AssertionError("writer 4 hit an Error");
                            return n * 10;
                        });
                    }));
                }
                awaitAllParked(writers, WRITERS);
                release.countDown();
                first.get(WAIT_SECONDS, TimeUnit.SECONDS);

                List<String> expected = new ArrayList<>(List.of("-1"));
                for (int i = 0; i < WRITERS; i++) {
                    try {
                        assertEquals(i * 10, results.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS));
                        assertTrue(i % 3 != 0 && i != 4, "writer " + i + " should have failed");
                        expected.add(String.valueOf(i));
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (i == 4) {
                            assertInstanceOf(AssertionError.class, e.getCause(), "the Error reaches its own caller");
                            continue;
                        }
                        assertTrue(i % 3 == 0, "writer " + i + " failed: " + e.getCause());
                        AuthError.Conflict conflict = assertInstanceOf(AuthError.Conflict.class, e.getCause());
                        assertTrue(conflict.getMessage().contains("writer " + i), conflict.getMessage());
                    }
                }
                assertEquals(expected, rows(db), "the failing writers' rows were rolled back, the others committed");
                // The first write's own commit, then the twelve queued ones together (a few at most).
                long commits = db.commits() - commitsBefore;
                assertTrue(commits <= 3, commits + " commits for " + (WRITERS + 1) + " queued writes");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void a_storage_fault_met_by_a_nested_write_fails_the_whole_batch_with_503_and_writes_resume_after() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("f.db"), false)) {
            db.write(c -> {
                try (Statement s = c.createStatement()) { s.execute("CREATE TABLE t (n INTEGER NOT NULL, pad BLOB)"); }
                return null;
            });
            ExecutorService pool = Executors.newFixedThreadPool(5);
            try {
                CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
                Future<?> first = pool.submit(() -> db.write(c -> {
                    holding.countDown();
                    await(release);
                    try (Statement s = c.createStatement()) { // the file may not grow: a full disk, in effect
                        s.execute("PRAGMA max_page_count = " + pageCount(c));
                    }
                    return null;
                }));
                assertTrue(holding.await(WAIT_SECONDS, TimeUnit.SECONDS));
                List<Thread> writers = new ArrayList<>();
                List<Future<Object>> results = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int n = i;
                    results.add(pool.submit(() -> {
                        synchronized (writers) { writers.add(Thread.currentThread()); }
                        return db.write(c -> {
                            if (n == 1) return db.write(nested -> insertPadded(nested, n, 1 << 20)); // does not fit
                            return insert(c, n);
                        });
                    }));
                }
                awaitAllParked(writers, 4);
                release.countDown();
                first.get(WAIT_SECONDS, TimeUnit.SECONDS);
                for (Future<Object> r : results) {
                    java.util.concurrent.ExecutionException e =
                        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class, () -> r.get(WAIT_SECONDS, TimeUnit.SECONDS));
                    assertInstanceOf(AuthError.TemporarilyUnavailable.class, e.getCause(), "503 for every write of the batch, not 500");
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(List.of(), rows(db), "nothing of the failed batch was committed");
            db.write(c -> {
                try (Statement s = c.createStatement()) { s.execute("PRAGMA max_page_count = 1073741823"); }
                return null;
            });
            assertEquals(7, (int) db.write(c -> insert(c, 7)));
            assertEquals(List.of("7"), rows(db));
        }
    }

    private static int pageCount(java.sql.Connection c) throws java.sql.SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA page_count")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static int insertPadded(java.sql.Connection c, int n, int bytes) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO t (n, pad) VALUES (?, ?)")) {
            s.setInt(1, n);
            s.setBytes(2, new byte[bytes]);
            s.executeUpdate();
        }
        return n;
    }

    @Test
    void a_lone_failing_write_rolls_back_and_the_next_write_proceeds() {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("h.db"), false)) {
            db.write(c -> {
                try (Statement s = c.createStatement()) { s.execute("CREATE TABLE t (n INTEGER NOT NULL)"); }
                return null;
            });
            AuthError.Conflict e = org.junit.jupiter.api.Assertions.assertThrows(AuthError.Conflict.class, () -> db.write(c -> {
                insert(c, 1);
                throw new AuthError.Conflict("no");
            }));
            assertEquals("no", e.getMessage());
            assertEquals(2, (int) db.write(c -> insert(c, 2)));
            assertEquals(List.of("2"), rows(db));
        }
    }

    private static int insert(java.sql.Connection c, int n) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO t (n) VALUES (?)")) {
            s.setInt(1, n);
            s.executeUpdate();
        }
        return n;
    }

    private static List<String> rows(SqliteDatabase db) {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT n FROM t ORDER BY rowid")) {
                while (r.next()) out.add(r.getString(1));
            }
            out.sort(java.util.Comparator.comparingInt(Integer::parseInt));
            return out;
        });
    }

    private static void awaitAllParked(List<Thread> writers, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            synchronized (writers) {
                if (writers.size() == count && writers.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the writers did not all queue up");
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
