package agentauth.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.cli.UsersCommand;
import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.TestServer;
import agentauth.user.Users;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Races in strict mode (retry window 0): writes are serialized by design, so concurrency never
 * shows as a 500 or a busy error, and every verdict is the one a serial order would give. On both
 * databases: SQLite serializes writes in one process, PostgreSQL by row locks and conditional updates.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RacesTest {
    @Parameter
    Backend backend;
    TestServer server;
    Http http;

    @BeforeParameterizedClassInvocation(injectArguments = false)
    void start() {
        server = TestServer.startOn(backend, "--refresh-retry-window", "0s");
        http = new Http(server.url());
    }

    @AfterParameterizedClassInvocation(injectArguments = false)
    void stop() {
        if (server != null) server.close(); // null when PostgreSQL is missing and the invocation was skipped
        server = null;
    }

    Http.Response refresh(String token) {
        return http.postJson("/refresh", Http.json("refresh_token", token));
    }

    /** Runs every task at once (released together) and returns their results in order. */
    static <T> List<T> together(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> t : tasks) futures.add(pool.submit(() -> { go.await(); return t.call(); }));
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) out.add(f.get());
            return out;
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void of_concurrent_refreshes_of_one_token_exactly_one_wins_and_the_rest_end_the_family() throws Exception {
        server.createUser("race-one", "race-one-secret", "read");
        String token = http.login("race-one", "race-one-secret").text("refresh_token");
        List<Callable<Http.Response>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) tasks.add(() -> refresh(token));
        List<Http.Response> answers = together(tasks);
        List<Http.Response> won = answers.stream().filter(r -> r.status() == 200).toList();
        assertEquals(1, won.size(), "exactly one wins");
        assertTrue(answers.stream().allMatch(r -> r.status() == 200 || "invalid_grant".equals(r.error())));
        assertEquals(401, refresh(won.get(0).text("refresh_token")).status(), "the losers counted as reuse: the family ended");
    }

    @Test
    void concurrent_logins_of_one_user_each_start_their_own_family() throws Exception {
        server.createUser("race-many", "race-many-secret", "read");
        List<Callable<Http.Response>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) tasks.add(() -> http.login("race-many", "race-many-secret"));
        List<Http.Response> answers = together(tasks);
        assertTrue(answers.stream().allMatch(r -> r.status() == 200), answers.toString());
        assertEquals(10, answers.stream().map(r -> r.text("refresh_token")).distinct().count());
        for (Http.Response r : answers) assertEquals(200, refresh(r.text("refresh_token")).status());
    }

    @Test
    void concurrent_admin_edits_logins_and_another_process_writing_never_fail() throws Exception {
        server.createUser("race-edited", "race-edited-secret", "read");
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) tasks.add(() -> "login " + http.login("race-edited", "race-edited-secret").status());
        for (int i = 0; i < 4; i++) {
            List<String> scopes = i % 2 == 0 ? List.of("read", "write") : List.of("read");
            tasks.add(() -> {
                server.app().users().update("race-edited", new Users.Patch(null, scopes, null), new Users.Actor("admin", null), false);
                return "edit ok";
            });
        }
        for (int i = 0; i < 2; i++) { // the users command: its own connection, as from another process
            String name = "race-cli-" + i;
            Map<String, String> env = new HashMap<>(server.storage().env());
            env.put("AGENT_AUTH_PASSWORD", name + "-secret");
            tasks.add(() -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int code = UsersCommand.run(List.of("add", name, "--db", server.storage().db(), "--argon2-memory", "1024"),
                    env, new ByteArrayInputStream(new byte[0]), new PrintStream(out), new PrintStream(out));
                return code == 0 ? "cli ok" : "cli " + code + " " + out;
            });
        }
        List<String> results = together(tasks);
        for (String r : results) assertTrue(r.equals("login 200") || r.equals("edit ok") || r.equals("cli ok"), results.toString());
        assertEquals(200, http.login("race-cli-1", "race-cli-1-secret").status());
    }

    @Test
    void after_a_password_change_commits_no_old_family_refreshes() throws Exception {
        server.createUser("race-passwd", "race-passwd-secret", "read");
        int agents = 6;
        List<String> tokens = new CopyOnWriteArrayList<>();
        for (int i = 0; i < agents; i++) tokens.add(http.login("race-passwd", "race-passwd-secret").text("refresh_token"));
        AtomicBoolean changed = new AtomicBoolean(), done = new AtomicBoolean();
        List<String> violations = new CopyOnWriteArrayList<>();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            int n = i;
            threads.add(new Thread(() -> {
                while (!done.get()) {
                    boolean after = changed.get(); // read before sending: the change had committed
                    Http.Response r = refresh(tokens.get(n));
                    statuses.merge(r.status(), 1, Integer::sum);
                    if (r.status() == 200) {
                        tokens.set(n, r.text("refresh_token"));
                        if (after) violations.add("an old family refreshed after the change");
                    } else if (r.status() != 401) {
                        violations.add("unexpected " + r.status() + " " + r.body());
                    }
                    if (r.status() == 401) return;
                }
            }));
        }
        for (Thread t : threads) t.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (statuses.getOrDefault(200, 0) < agents * 3 && System.nanoTime() < deadline) {
            Thread.sleep(5); // load runs; a spin here would take a core from it
        }
        server.app().users().update("race-passwd", new Users.Patch("race-passwd-new-secret", null, null),
            new Users.Actor("admin", null), false);
        changed.set(true);
        for (Thread t : threads) t.join(20_000);
        done.set(true);
        assertTrue(violations.isEmpty(), violations.toString());
        for (String t : tokens) assertEquals(401, refresh(t).status(), "no old family refreshes");
        assertEquals(200, http.login("race-passwd", "race-passwd-new-secret").status());
    }
}
