package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.auth0.jwt.JWT;
import org.junit.jupiter.api.Test;

class RestartTest {
    @Test
    void a_restart_on_the_same_file_keeps_users_refresh_tokens_and_the_signing_key() {
        try (TestServer server = TestServer.start()) {
            server.createUser("survivor", "survivor-secret-1", "read");
            Http before = new Http(server.url());
            Http.Response login = before.login("survivor", "survivor-secret-1");
            String kid = JWT.decode(login.text("access_token")).getKeyId();
            String jwks = before.get("/.well-known/jwks.json").body();

            server.restart();
            Http after = new Http(server.url());
            assertEquals(jwks, after.get("/.well-known/jwks.json").body());
            Http.Response refreshed = after.postJson("/refresh", Http.json("refresh_token", login.text("refresh_token")));
            assertEquals(200, refreshed.status());
            assertEquals(kid, JWT.decode(refreshed.text("access_token")).getKeyId());
            assertEquals(200, after.login("survivor", "survivor-secret-1").status());
        }
    }
}
