package agentauth.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.error.AuthError;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    static final Hashing OWASP = new Hashing(19456, 2, 1, 2, 8);

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hashes_use_the_standard_encoded_argon2id_form_with_the_configured_parameters() {
        String h = new PasswordHasher(OWASP).hash(utf8("correct horse battery"));
        assertTrue(h.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), h);
        assertEquals(6, h.split("\\$").length);
    }

    @Test
    void verify_accepts_the_secret_and_refuses_anything_else() {
        PasswordHasher hasher = new PasswordHasher(OWASP);
        String h = hasher.hash(utf8("correct horse battery"));
        assertTrue(hasher.verify(h, utf8("correct horse battery")));
        assertFalse(hasher.verify(h, utf8("correct horse batterY")));
        assertFalse(hasher.verify(null, utf8("correct horse battery")), "the dummy hash never matches");
    }

    @Test
    void the_hashing_threads_stay_until_close_and_then_end() throws Exception {
        PasswordHasher hasher = new PasswordHasher(new Hashing(1024, 1, 1, 2, 8));
        for (int i = 0; i < 4; i++) hasher.hash(utf8("a secret to hash " + i));
        List<Thread> threads = hasher.threads();
        assertTrue(threads.size() >= 1 && threads.size() <= 2, threads + ": at most one per hash allowed to run at once");
        for (Thread t : threads) assertTrue(t.isAlive(), t + " ended while the hasher is open");
        hasher.close();
        for (Thread t : threads) {
            t.join(5000);
            assertFalse(t.isAlive(), t + " still runs after close");
        }
        assertThrows(RuntimeException.class, () -> hasher.hash(utf8("too late")), "a closed hasher hashes nothing");
    }

    @Test
    void hashing_wipes_the_callers_copy_of_the_secret() {
        byte[] secret = utf8("wipe me after use");
        new PasswordHasher(OWASP).hash(secret);
        assertArrayEquals(new byte[secret.length], secret);
    }

    @Test
    void weaker_stored_parameters_need_a_rehash_and_equal_or_stronger_do_not() {
        PasswordHasher weak = new PasswordHasher(new Hashing(1024, 1, 1, 1, 1));
        PasswordHasher strong = new PasswordHasher(OWASP);
        assertTrue(strong.needsRehash(weak.hash(utf8("some secret value"))));
        assertFalse(strong.needsRehash(strong.hash(utf8("some secret value"))));
        assertFalse(weak.needsRehash(strong.hash(utf8("some secret value"))));
        assertTrue(strong.needsRehash("$2a$10$notargon"));
    }

    @Test
    void beyond_the_running_and_queued_hashes_callers_get_503_with_retry_after() throws Exception {
        PasswordHasher tiny = new PasswordHasher(new Hashing(65536, 3, 1, 1, 0)); // one at a time, no queue
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) results.add(pool.submit(() -> {
            go.await();
            try {
                tiny.hash(utf8("concurrent secret"));
                return "ok";
            } catch (AuthError e) {
                return e.code() + ":" + e.retryAfterSeconds();
            }
        }));
        go.countDown();
        int ok = 0, busy = 0;
        for (Future<String> f : results) {
            String r = f.get();
            if (r.equals("ok")) ok++;
            else if (r.equals("temporarily_unavailable:1")) busy++;
        }
        pool.shutdown();
        assertTrue(ok >= 1, "the first caller hashes");
        assertTrue(busy >= 1, "the others are turned away instead of queuing without bound");
        assertEquals(6, ok + busy);
    }

    @Test
    void rules_reject_bad_names_secrets_and_scopes() {
        assertThrows(AuthError.class, () -> Rules.username("-starts-with-dash"));
        assertThrows(AuthError.class, () -> Rules.username("a".repeat(65)));
        assertThrows(AuthError.class, () -> Rules.username("tab\tname"));
        assertEquals("a.b_c@d-e", Rules.username("a.b_c@d-e"));
        assertThrows(AuthError.class, () -> Rules.password("short"));
        assertThrows(AuthError.class, () -> Rules.password("x".repeat(1025)));
        assertEquals(12, Rules.password("é".repeat(6)).length, "bytes of UTF-8, not characters");
        assertThrows(AuthError.class, () -> Rules.scopes(List.of("has space")));
        assertThrows(AuthError.class, () -> Rules.scopes(List.of("quote\"")));
        assertEquals(List.of("<img/src/onerror=alert(1)>"), Rules.scopes(List.of("<img/src/onerror=alert(1)>")));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) many.add("s" + i);
        assertThrows(AuthError.class, () -> Rules.scopes(many));
    }
}
