package agentauth.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.Sqlite;
import agentauth.support.TestServer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kill -9 of the jar under a refresh load from many agents, at random moments, then a restart on
 * the same database. Each round: no user is lost (and the SQLite file passes integrity_check),
 * every token an agent last received in a 200 still refreshes (unless, without a retry window,
 * its own refresh was cut off by the kill), and no token that was answered with an error works.
 * On both databases; on PostgreSQL the kill cuts the instance's connections mid-transaction.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class CrashTest {
    static final List<String> USERS = List.of("crash-a", "crash-b", "crash-c");
    static final int AGENTS = 6;

    @Parameter
    Backend backend;
    @TempDir
    Path dir;
    Backend.Storage storage;

    /** SQLite is the stress test (a torn file is possible there); PostgreSQL gets fewer restarts of the jar. */
    int rounds() {
        return backend == Backend.SQLITE ? 3 : 2;
    }

    @Test
    void kill_9_under_refresh_load_loses_nothing_a_client_was_told_without_a_retry_window() throws Exception {
        crashRounds("0s");
    }

    @Test
    void with_a_retry_window_the_last_token_of_every_agent_refreshes_after_a_kill_9() throws Exception {
        crashRounds("120s");
    }

    private void crashRounds(String window) throws Exception {
        storage = backend.fresh(dir);
        boolean windowOn = !window.equals("0s");
        Random random = new Random();
        JarProcess server = JarProcess.start(storage, "--refresh-retry-window", window);
        for (String u : USERS) addUser(server.http(), u);
        List<String> users = usernames();
        assertTrue(users.containsAll(USERS), users.toString());
        try {
            for (int round = 1; round <= rounds(); round++) {
                List<Agent> agents = new ArrayList<>();
                for (int i = 0; i < AGENTS; i++) // every third agent also replays old tokens (a thief)
                    agents.add(new Agent(server.http(), USERS.get(i % USERS.size()), i % 3 == 2));
                List<Thread> threads = new ArrayList<>();
                for (Agent a : agents) threads.add(new Thread(a, "agent"));
                for (Thread t : threads) t.start();
                for (Agent a : agents) a.warm.await(30, TimeUnit.SECONDS); // every agent refreshed once
                // The kill point: a random moment of the load, counted in refreshes, not in time (a
                // loaded machine may do few refreshes in a given time).
                int target = 2 * AGENTS + random.nextInt(10 * AGENTS);
                awaitRefreshes(agents, target);
                server.kill();
                for (Thread t : threads) t.join(30_000);
                String where = "round " + round + " (kill after " + target + " refreshes, window " + window + ")";

                assertIntact(where);
                assertEquals(users, usernames(), where);

                server = JarProcess.start(storage, "--refresh-retry-window", window);
                Http http = server.http();
                int refreshes = 0;
                for (Agent a : agents) {
                    assertTrue(a.unexpected.isEmpty(), where + ": unexpected answers " + a.unexpected);
                    refreshes += a.refreshes;
                    for (String refused : a.refused)
                        assertEquals(401, refresh(http, refused).status(), where + ": a refused token works");
                    if (a.current == null) continue; // its login was cut off by the kill
                    Http.Response r = refresh(http, a.current);
                    if (windowOn || !a.current.equals(a.inDoubt))
                        assertEquals(200, r.status(), where + ": the last token of " + a.user + " must refresh: " + r.body());
                    else // strict: the kill may have landed after the commit; then it is reuse, never a 500
                        assertTrue(r.status() == 200 || r.status() == 401, where + ": " + r.body());
                }
                assertTrue(refreshes > AGENTS, where + ": the load ran (" + refreshes + " refreshes)");
                for (String u : USERS) assertEquals(200, http.login(u, u + "-secret-1").status(), where);
            }
            assertEquals(0, server.terminate());
            assertIntact("after the last round");
        } finally {
            server.close();
        }
    }

    /** Waits until the agents refreshed {@code target} times together (at most a minute). */
    private static void awaitRefreshes(List<Agent> agents, int target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (agents.stream().mapToInt(a -> a.refreshes).sum() < target && System.nanoTime() < deadline) Thread.sleep(5);
    }

    static Http.Response refresh(Http http, String token) {
        return http.postJson("/refresh", Http.json("refresh_token", token));
    }

    static void addUser(Http http, String name) {
        String admin = Http.bearer(http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token"));
        Http.Response r = http.postJson("/admin/api/users", Http.json("username", name, "password", name + "-secret-1",
            "scopes", List.of("read")), "Authorization", admin);
        assertEquals(201, r.status(), r.body());
    }

    /** A SQLite file that a kill tore would fail integrity_check; PostgreSQL's server itself was not killed. */
    private void assertIntact(String where) {
        if (backend == Backend.SQLITE) assertEquals("ok", Sqlite.integrity(Path.of(storage.db())), where);
    }

    /** Every user name, read from the database from outside, as an operator would. */
    private List<String> usernames() throws SQLException {
        String sql = "SELECT username FROM users ORDER BY username";
        if (backend == Backend.SQLITE) return Sqlite.column(Path.of(storage.db()), sql);
        Properties login = new Properties();
        login.setProperty("password", storage.env().get("AGENT_AUTH_DB_PASSWORD"));
        try (Connection c = DriverManager.getConnection("jdbc:" + storage.db(), login); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            List<String> names = new ArrayList<>();
            while (r.next()) names.add(r.getString(1));
            return names;
        }
    }

    /** One agent: logs in, then refreshes in a loop until the server is gone. */
    static final class Agent implements Runnable {
        final Http http;
        final String user;
        final boolean thief;
        final List<String> refused = new CopyOnWriteArrayList<>();  // answered with an error
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        volatile String current;   // the last refresh token received in a 200
        volatile String inDoubt;   // the token of the request the kill cut off
        volatile int refreshes;
        final CountDownLatch warm = new CountDownLatch(1);

        Agent(Http http, String user, boolean thief) {
            this.http = http;
            this.user = user;
            this.thief = thief;
        }

        @Override
        public void run() {
            String grandparent = null, parent = null;
            try {
                while (true) {
                    if (current == null) {
                        Http.Response r = http.login(user, user + "-secret-1");
                        if (r.status() != 200) { unexpected.add("login " + r.status()); return; }
                        current = r.text("refresh_token");
                        grandparent = parent = null;
                    } else if (thief && grandparent != null && refreshes % 5 == 4) {
                        // Replaying a token whose successor was used: reuse, so the family ends.
                        // current is forgotten first: if the kill cuts the replay off, the family
                        // may or may not have ended, and nothing is claimed about it.
                        String old = grandparent, last = current;
                        current = null;
                        Http.Response r = refresh(http, old);
                        if (r.status() != 401) { unexpected.add("replay " + r.status()); return; }
                        refused.add(old);
                        Http.Response dead = refresh(http, last);
                        if (dead.status() != 401) { unexpected.add("after replay " + dead.status()); return; }
                        refused.add(last);
                    } else {
                        inDoubt = current;
                        Http.Response r = refresh(http, current);
                        if (r.status() != 200) { unexpected.add("refresh " + r.status() + " " + r.body()); return; }
                        grandparent = parent;
                        parent = current;
                        current = r.text("refresh_token");
                        inDoubt = null;
                        refreshes++;
                        warm.countDown();
                    }
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                // the server was killed: the last request's answer never came
            } finally {
                warm.countDown();
            }
        }
    }
}
