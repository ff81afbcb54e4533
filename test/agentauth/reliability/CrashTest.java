package agentauth.reliability;

import agentauth.support.Sqlite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.cli.UsersCommand;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 under a refresh load from many agents, at random moments, then a restart on the same
 * file. Each round: integrity_check is ok, no user is lost, every token an agent last received
 * in a 200 still refreshes (unless, without a retry window, its own refresh was cut off by the
 * kill), and no token that was answered with an error works.
 */
class CrashTest {
    static final List<String> USERS = List.of("crash-a", "crash-b", "crash-c");
    static final int ROUNDS = 3;
    static final int AGENTS = 6;

    @TempDir
    Path dir;

    @Test
    void kill_9_under_refresh_load_loses_nothing_a_client_was_told_without_a_retry_window() throws Exception {
        crashRounds("0s");
    }

    @Test
    void with_a_retry_window_the_last_token_of_every_agent_refreshes_after_a_kill_9() throws Exception {
        crashRounds("120s");
    }

    private void crashRounds(String window) throws Exception {
        Path db = dir.resolve("agent-auth.db");
        boolean windowOn = !window.equals("0s");
        Random random = new Random();
        JarProcess server = JarProcess.start(db, "--refresh-retry-window", window); // it creates the database
        for (String u : USERS) addUser(db, u); // the users command beside the running server
        List<String> users = Sqlite.column(db, "SELECT username FROM users ORDER BY username");
        assertTrue(users.containsAll(USERS), users.toString()); // beside the first admin the server made
        try {
            for (int round = 1; round <= ROUNDS; round++) {
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

                assertEquals("ok", Sqlite.integrity(db), where);
                assertEquals(users, Sqlite.column(db, "SELECT username FROM users ORDER BY username"), where);

                server = JarProcess.start(db, "--refresh-retry-window", window);
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
            assertEquals("ok", Sqlite.integrity(db));
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

    static void addUser(Path db, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = UsersCommand.run(List.of("add", name, "--scope", "read", "--db", db.toString(), "--argon2-memory", "1024"),
            Map.of("AGENT_AUTH_PASSWORD", name + "-secret-1"), new ByteArrayInputStream(new byte[0]),
            new PrintStream(out), new PrintStream(out));
        assertEquals(0, code, out.toString());
        assertTrue(Files.exists(db));
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
