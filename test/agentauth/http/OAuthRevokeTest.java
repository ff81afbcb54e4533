package agentauth.http;

import static agentauth.http.OAuthTokenTest.basic;
import static agentauth.support.TestServer.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import agentauth.support.Http;
import agentauth.support.TestServer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** POST /oauth/revoke (RFC 7009). */
class OAuthRevokeTest {
    @AutoClose
    static final TestServer server = TestServer.start();
    static final Http http = new Http(server.url());

    static Http.Response login(String name) {
        server.createUser(name, secret(name), "read");
        return http.login(name, secret(name));
    }

    static Http.Response revoke(String client, String token, String... hint) {
        String form = hint.length == 0 ? Http.form("token", token) : Http.form("token", token, "token_type_hint", hint[0]);
        return http.postForm("/oauth/revoke", form, "Authorization", basic(client, secret(client)));
    }

    static int refresh(String token) {
        return http.postJson("/refresh", Http.json("refresh_token", token)).status();
    }

    @Test
    void revoking_a_refresh_token_ends_its_family() {
        Http.Response session = login("quitter");
        Http.Response r = revoke("quitter", session.text("refresh_token"), "refresh_token");
        assertEquals(200, r.status(), r.body());
        assertEquals("no-store", r.header("Cache-Control"));
        assertEquals(401, refresh(session.text("refresh_token")));
        assertEquals(401, http.get("/me", "Authorization", Http.bearer(session.text("access_token"))).status(),
            "its access tokens die with the family at this server");
    }

    @Test
    void revoking_an_access_token_ends_the_family_it_came_from() {
        Http.Response session = login("halter");
        assertEquals(200, revoke("halter", session.text("access_token"), "access_token").status());
        assertEquals(401, refresh(session.text("refresh_token")));
        assertEquals(401, http.get("/me", "Authorization", Http.bearer(session.text("access_token"))).status());
    }

    @Test
    void a_wrong_hint_does_not_stop_the_search() {
        Http.Response session = login("misled");
        assertEquals(200, revoke("misled", session.text("refresh_token"), "access_token").status());
        assertEquals(401, refresh(session.text("refresh_token")));
    }

    @Test
    void another_clients_tokens_answer_200_and_change_nothing() {
        Http.Response victim = login("victim");
        login("meddler");
        assertEquals(200, revoke("meddler", victim.text("refresh_token")).status());
        assertEquals(200, revoke("meddler", victim.text("access_token")).status());
        assertEquals(200, http.get("/me", "Authorization", Http.bearer(victim.text("access_token"))).status());
        assertEquals(200, refresh(victim.text("refresh_token")));
    }

    @Test
    void unknown_and_garbage_tokens_answer_200() {
        login("tidy");
        assertEquals(200, revoke("tidy", "no-such-token").status());
        assertEquals(200, revoke("tidy", "not.a.jwt").status());
    }

    @Test
    void the_client_must_authenticate() {
        Http.Response session = login("stranger");
        Http.Response r = http.postForm("/oauth/revoke", Http.form("token", session.text("refresh_token")),
            "Authorization", basic("stranger", "wrong-secret-1"));
        assertEquals(401, r.status());
        assertEquals("invalid_client", r.error());
        assertNotNull(r.header("WWW-Authenticate"));
        assertEquals(200, refresh(session.text("refresh_token")), "nothing was revoked");
        Http.Response none = http.postForm("/oauth/revoke", Http.form("token", session.text("refresh_token")));
        assertEquals("invalid_client", none.error());
    }

    @Test
    void the_token_parameter_is_required() {
        login("blank");
        Http.Response r = http.postForm("/oauth/revoke", Http.form("token_type_hint", "refresh_token"),
            "Authorization", basic("blank", secret("blank")));
        assertEquals(400, r.status());
        assertEquals("invalid_request", r.error());
    }

    @Test
    void client_secret_post_works_for_revocation() {
        Http.Response session = login("poster");
        Http.Response r = http.postForm("/oauth/revoke", Http.form("token", session.text("refresh_token"),
            "client_id", "poster", "client_secret", secret("poster")));
        assertEquals(200, r.status(), r.body());
        assertEquals(401, refresh(session.text("refresh_token")));
    }
}
