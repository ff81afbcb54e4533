package agentauth.http;

import static agentauth.support.TestServer.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import agentauth.user.Users;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class RefreshTest {
    static final MutableClock clock = new MutableClock();
    @AutoClose
    static final TestServer server = TestServer.startWith(clock, "--refresh-ttl", "1h", "--admin-session-ttl", "10m");
    static final Http http = new Http(server.url());

    static String newAgent(String name, String... scopes) {
        server.createUser(name, secret(name), scopes);
        return http.login(name, secret(name)).text("refresh_token");
    }

    static Http.Response refresh(String token) {
        return http.postJson("/refresh", Http.json("refresh_token", token));
    }

    @Test
    void refresh_rotates_the_token_and_the_old_one_stops_working() {
        String first = newAgent("rotator", "read");
        Http.Response r = refresh(first);
        assertEquals(200, r.status());
        assertNotEquals(first, r.text("refresh_token"));
        assertEquals("no-store", r.header("Cache-Control"));
        assertEquals(200, refresh(r.text("refresh_token")).status());
    }

    @Test
    void reused_refresh_token_revokes_the_whole_family() {
        String first = newAgent("reuser", "read");
        String second = refresh(first).text("refresh_token");
        Http.Response reuse = refresh(first);
        assertEquals(401, reuse.status());
        assertEquals("invalid_grant", reuse.error());
        assertEquals("invalid_grant", refresh(second).error(), "the successor died with its family");
        assertEquals(1, server.app().audit().list(10, null, "reuser", "refresh_reuse").events().size());
    }

    @Test
    void the_same_token_sent_by_ten_threads_at_once_succeeds_exactly_once() throws Exception {
        String token = newAgent("racer", "read");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) results.add(pool.submit(() -> { go.await(); return refresh(token).status(); }));
        go.countDown();
        int ok = 0;
        for (Future<Integer> f : results) if (f.get() == 200) ok++;
        pool.shutdown();
        assertEquals(1, ok);
    }

    @Test
    void logout_ends_the_family_and_unknown_tokens_get_204_too() {
        String token = newAgent("leaver", "read");
        assertEquals(204, http.postJson("/logout", Http.json("refresh_token", token)).status());
        assertEquals("invalid_grant", refresh(token).error());
        assertEquals(204, http.postJson("/logout", Http.json("refresh_token", "no-such-token")).status());
    }

    /** Issue 14 item 5: anyone who saw an access token (every service it went to) must not end the session. */
    @Test
    void logout_with_an_access_token_is_invalid_request_and_the_session_lives_on() {
        server.createUser("keeper", secret("keeper"), "read");
        Http.Response login = http.login("keeper", secret("keeper"));
        Http.Response r = http.postJson("/logout", Http.json("refresh_token", login.text("access_token")));
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_request", r.error());
        assertTrue(r.text("error_description").contains("refresh token"), r.body());
        assertEquals(200, refresh(login.text("refresh_token")).status(), "the session is alive");
    }

    @Test
    void the_family_lifetime_is_absolute_and_counts_down() {
        String token = newAgent("mortal", "read");
        clock.advance(Duration.ofMinutes(20));
        Http.Response r = refresh(token);
        assertEquals(200, r.status());
        long left = r.json().get("refresh_expires_in").asLong();
        assertTrue(left <= 40 * 60 && left > 39 * 60, "rotation never extends the family: " + left);
        clock.advance(Duration.ofMinutes(41));
        assertEquals("invalid_grant", refresh(r.text("refresh_token")).error());
    }

    @Test
    void admin_families_are_capped_by_the_admin_session_ttl() {
        String token = newAgent("second-admin", "admin");
        clock.advance(Duration.ofMinutes(11));
        assertEquals("invalid_grant", refresh(token).error());
    }

    @Test
    void refresh_issues_the_granted_scope_intersected_with_the_users_current_scopes() {
        String token = newAgent("shrinking", "read", "write");
        Users.Actor actor = new Users.Actor("test", null);
        server.app().users().update("shrinking", new Users.Patch(null, List.of("read"), null), actor, false);
        Http.Response r = refresh(token);
        assertEquals("read", r.text("scope"));
        server.app().users().update("shrinking", new Users.Patch(null, List.of("read", "write"), null), actor, false);
        Http.Response again = refresh(r.text("refresh_token"));
        assertEquals("read", again.text("scope"), "a scope granted again does not come back to an old family");
        server.app().users().update("shrinking", new Users.Patch(null, List.of("write"), null), actor, false);
        assertEquals("invalid_grant", refresh(again.text("refresh_token")).error(), "nothing left: the family ends");
    }

    @Test
    void disabling_or_changing_the_password_ends_all_families() {
        String a = newAgent("disabled-later", "read");
        Users.Actor actor = new Users.Actor("test", null);
        server.app().users().update("disabled-later", new Users.Patch(null, null, false), actor, false);
        assertEquals("invalid_grant", refresh(a).error());
        String b = newAgent("new-secret-later", "read");
        server.app().users().update("new-secret-later", new Users.Patch("another-secret-456", null, null), actor, false);
        assertEquals("invalid_grant", refresh(b).error());
    }

    @Test
    void a_login_beyond_100_live_families_ends_the_oldest() {
        server.createUser("busy", "busy-secret-1234", "read");
        String oldest = http.login("busy", "busy-secret-1234").text("refresh_token");
        String second = http.login("busy", "busy-secret-1234").text("refresh_token");
        for (int i = 0; i < 99; i++) assertEquals(200, http.login("busy", "busy-secret-1234").status());
        assertEquals("invalid_grant", refresh(oldest).error());
        assertEquals(1, server.app().audit().list(10, null, "busy", "family_evicted").events().size());
        assertEquals(200, refresh(second).status(), "only the oldest ended");
    }
}
