package agentauth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Await;
import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A leaked signing key revoked on one instance (contract Round 2 F): every instance signs with a
 * freshly generated key before the old kid is listed, never with the pre-published next key (it
 * lives in the same database as the leaked one). The other instance re-reads its keys only every
 * 2 s; its logins come at once after each revoke, so it must notice by itself.
 */
class RevokedKeyAcrossInstancesTest {
    @Test
    void after_a_revoke_on_one_instance_the_other_signs_with_a_fresh_key_at_once() {
        try (TestServer a = TestServer.startOn(Backend.POSTGRES);
             TestServer b = TestServer.startBeside(a)) {
            Admin onA = new Admin(new Http(a.url()));
            Admin onB = new Admin(new Http(b.url()));
            onA.createAgent("agent-leak", "read");
            Set<String> revoked = new HashSet<>();
            for (int round = 1; round <= 3; round++) {
                String leaked = kid(onB.accessToken("agent-leak"));
                String next = onA.post("/admin/api/keys/rotate").json().get("kid").asText(); // pre-published
                onA.post("/admin/api/keys/" + leaked + "/revoke");
                revoked.add(leaked);
                onA.relogin(); // the admin's own token died with the key

                String token = onB.accessToken("agent-leak");
                String now = kid(token);
                assertTrue(!revoked.contains(now), "round " + round + ": B signed with the revoked key " + now);
                assertNotEquals(next, now, "round " + round + ": the pre-published key must not sign after a leak");
                Await.until(() -> onB.revocations().get("kids"), kids -> kids.toString().contains(leaked),
                    "B lists the old kid (it re-reads the list every second)");
                assertEquals(200, onB.http.get("/me", "Authorization", Http.bearer(token)).status(), "B's new token works");
                assertTrue(onA.http.get("/.well-known/jwks.json").body().contains(now), "A publishes the key B signs with");
            }
        }
    }

    private static String kid(String token) {
        return Admin.jwt(token, 0).get("kid").asText();
    }
}
