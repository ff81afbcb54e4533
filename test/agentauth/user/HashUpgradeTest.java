package agentauth.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.UserStore;
import agentauth.support.Http;
import agentauth.support.TestServer;
import org.junit.jupiter.api.Test;

class HashUpgradeTest {
    @Test
    void a_login_upgrades_a_hash_made_with_weaker_parameters_and_keeps_the_users_sessions() {
        try (TestServer server = TestServer.start("--argon2-memory", "1024", "--argon2-iterations", "1")) {
            server.createUser("old-agent", "old-agent-secret-1", "read");
            assertTrue(storedHash(server).contains("m=1024,t=1,p=1"));
            String refresh = new Http(server.url()).login("old-agent", "old-agent-secret-1").text("refresh_token");

            server.restartWith("--argon2-memory", "2048", "--argon2-iterations", "2");
            Http http = new Http(server.url());
            assertEquals(200, http.login("old-agent", "old-agent-secret-1").status());
            assertTrue(storedHash(server).contains("m=2048,t=2,p=1"),
                storedHash(server).substring(0, 30));
            assertEquals(200, http.postJson("/refresh", Http.json("refresh_token", refresh)).status(),
                "an upgrade is not a credential change: sessions survive it");
            assertEquals(200, http.login("old-agent", "old-agent-secret-1").status(), "the upgraded hash verifies");
            assertEquals(401, http.login("old-agent", "not-the-secret-1").status());
        }
    }

    private static String storedHash(TestServer server) {
        return new UserStore(server.app().database()).find("old-agent").orElseThrow().passwordHash();
    }
}
