package agentauth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import agentauth.support.Await;
import agentauth.support.Http;
import agentauth.support.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A verifier keeps the highest version it has seen (CONTRACT Round 2 B): a lagging instance
 * behind a load balancer, here a real proxy that replays the list from before a kill, cannot
 * undo the kill.
 */
class OlderListTest {
    @Test
    void an_older_list_from_a_lagging_instance_never_undoes_a_kill() {
        try (TestServer server = TestServer.start();
             LaggingInstance proxy = new LaggingInstance(server.url());
             ProtectedService service = new ProtectedService(ProtectedService.verifierFor(server.url())
                 .revocationList(proxy.url()).build())) {
            Admin admin = new Admin(new Http(server.url()));
            admin.createAgent("agent-lagged", "read");
            String token = admin.accessToken("agent-lagged");
            assertEquals(200, service.call(token).status()); // the verifier fetched the list through the proxy
            long beforeKill = admin.revocations().get("version").asLong();

            admin.kill("agent-lagged");
            service.awaitRevoked(token, "the kill reaches the verifier through the proxy");

            proxy.lagAt(beforeKill);
            int lagged = proxy.lagged();
            Await.until(proxy::lagged, n -> n >= lagged + 3, "the verifier polls the older list a few times");
            Http.Response refused = service.call(token);
            assertEquals(401, refused.status());
            assertEquals("REVOKED", refused.body(), "the older list is ignored");

            String uid = Admin.jwt(token, 1).get("uid").asText();
            assertFalse(new String(proxy.recorded(beforeKill).body(), StandardCharsets.UTF_8).contains(uid),
                "the older list, taken, would have let the token through");
        }
    }
}
