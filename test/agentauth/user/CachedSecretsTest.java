package agentauth.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.cli.UsersCommand;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import agentauth.user.Users;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A secret that passed Argon2 may pass again without it, but every change of the user's
 * credentials, by the admin service or by the CLI on the database file, takes effect at once.
 */
class CachedSecretsTest {
    static final MutableClock clock = new MutableClock();
    static final Users.Actor ACTOR = new Users.Actor("test", null);
    @AutoClose
    static final TestServer server = TestServer.startWith(clock);
    static final Http http = new Http(server.url());

    /** Creates the user and logs in twice, so its secret is remembered. */
    static void loggedInTwice(String name, String secret) {
        server.createUser(name, secret, "read");
        assertEquals(200, http.login(name, secret).status());
        assertEquals(200, http.login(name, secret).status());
    }

    @Test
    void a_wrong_secret_is_refused_after_the_right_one_was_remembered() {
        loggedInTwice("cs-wrong", "cs-wrong-secret-1");
        assertEquals(401, http.login("cs-wrong", "cs-wrong-secret-2").status());
        assertEquals(200, http.login("cs-wrong", "cs-wrong-secret-1").status());
    }

    @Test
    void a_new_password_refuses_the_remembered_one_at_once() {
        loggedInTwice("cs-passwd", "cs-passwd-secret-1");
        server.app().users().update("cs-passwd", new Users.Patch("cs-passwd-secret-2", null, null), ACTOR, false);
        assertEquals(401, http.login("cs-passwd", "cs-passwd-secret-1").status());
        assertEquals(200, http.login("cs-passwd", "cs-passwd-secret-2").status());
    }

    @Test
    void disabling_refuses_the_remembered_secret_at_once() {
        loggedInTwice("cs-disabled", "cs-disabled-secret");
        server.app().users().update("cs-disabled", new Users.Patch(null, null, false), ACTOR, false);
        Http.Response r = http.login("cs-disabled", "cs-disabled-secret");
        assertEquals(401, r.status());
        assertEquals("invalid_client", r.error());
    }

    @Test
    void a_user_deleted_and_created_again_does_not_accept_the_old_secret() {
        loggedInTwice("cs-recreated", "cs-recreated-old");
        server.app().users().delete("cs-recreated", ACTOR, false);
        server.createUser("cs-recreated", "cs-recreated-new", "read");
        assertEquals(401, http.login("cs-recreated", "cs-recreated-old").status());
        assertEquals(200, http.login("cs-recreated", "cs-recreated-new").status());
    }

    @Test
    void a_password_changed_by_the_cli_in_another_process_takes_effect_at_once() {
        loggedInTwice("cs-cli", "cs-cli-secret-one");
        // the CLI opens the database file itself, as a second process would
        int code = UsersCommand.run(List.of("passwd", "cs-cli", "--db", server.db().toString(), "--argon2-memory", "1024"),
            Map.of("AGENT_AUTH_PASSWORD", "cs-cli-secret-two"), new ByteArrayInputStream(new byte[0]),
            new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, code);
        assertEquals(401, http.login("cs-cli", "cs-cli-secret-one").status());
        assertEquals(200, http.login("cs-cli", "cs-cli-secret-two").status());
    }

    @Test
    void every_new_session_is_a_login_event_even_when_the_secret_was_remembered() {
        loggedInTwice("cs-audit", "cs-audit-secret");
        assertEquals(2, server.app().audit().list(50, null, "cs-audit", "login").events().size());
    }

    @Test
    void repeated_client_credentials_within_a_minute_write_one_login_event() {
        server.createUser("cs-cc", "cs-cc-secret-123", "read");
        String form = Http.form("grant_type", "client_credentials", "client_id", "cs-cc", "client_secret", "cs-cc-secret-123");
        for (int i = 0; i < 5; i++) assertEquals(200, http.postForm("/oauth/token", form).status());
        assertEquals(1, server.app().audit().list(50, null, "cs-cc", "login").events().size(), "one event, not one per token");
        clock.advance(Duration.ofSeconds(61));
        assertEquals(200, http.postForm("/oauth/token", form).status());
        assertEquals(2, server.app().audit().list(50, null, "cs-cc", "login").events().size());
    }

    @Test
    void a_remembered_secret_still_works_after_its_record_expired() {
        loggedInTwice("cs-expiry", "cs-expiry-secret");
        clock.advance(Duration.ofMinutes(6)); // Argon2 again, same answer
        assertEquals(200, http.login("cs-expiry", "cs-expiry-secret").status());
    }
}
