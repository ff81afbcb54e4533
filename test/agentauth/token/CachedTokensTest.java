package agentauth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import agentauth.user.Users;
import com.auth0.jwt.JWT;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * An access token verified once is remembered, and still refused at once when it expires, its
 * signing key is revoked, or its user or session changes. Each case uses the token at /me first,
 * so the refusal comes from a remembered token.
 */
class CachedTokensTest {
    static final Users.Actor ACTOR = new Users.Actor("test", null);
    final MutableClock clock = new MutableClock();
    @AutoClose
    final TestServer server = TestServer.startWith(clock, "--access-ttl", "5m");
    final Http http = new Http(server.url());

    Http.Response loginAs(String name) {
        server.createUser(name, name + "-secret-123", "read");
        return http.login(name, name + "-secret-123");
    }

    int me(String token) {
        return http.get("/me", "Authorization", Http.bearer(token)).status();
    }

    /** Uses the token twice, so the second use is served from what was remembered. */
    String remembered(String name) {
        String token = loginAs(name).text("access_token");
        assertEquals(200, me(token));
        assertEquals(200, me(token));
        return token;
    }

    @Test
    void a_remembered_token_is_refused_once_it_expires() {
        String token = remembered("ct-expiry");
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertEquals(200, me(token));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(401, me(token));
    }

    @Test
    void a_remembered_token_is_refused_once_its_key_is_revoked() {
        String token = remembered("ct-key");
        String kid = JWT.decode(token).getKeyId();
        server.app().keyRotation().rotate(true, "test", null).kid();
        assertEquals(200, me(token), "a rotated-out key still verifies its tokens");
        server.app().keyRotation().revoke(kid, "test", null);
        assertEquals(401, me(token));
    }

    @Test
    void a_remembered_token_of_a_disabled_user_is_refused_at_once() {
        String token = remembered("ct-disabled");
        server.app().users().update("ct-disabled", new Users.Patch(null, null, false), ACTOR, false);
        assertEquals(401, me(token));
    }

    @Test
    void a_remembered_token_of_a_logged_out_session_is_refused_at_once() {
        Http.Response login = loginAs("ct-logout");
        String token = login.text("access_token");
        assertEquals(200, me(token));
        assertEquals(200, me(token));
        assertEquals(204, http.postForm("/logout", Http.form("refresh_token", login.text("refresh_token"))).status());
        assertEquals(401, me(token));
    }

    @Test
    void a_token_differing_from_a_remembered_one_is_verified_and_refused() {
        String token = remembered("ct-tampered");
        int i = token.length() - 10; // inside the signature, clear of the last character's padding bits
        String tampered = token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);
        assertEquals(401, me(tampered));
    }
}
