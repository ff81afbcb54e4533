package agentauth.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.TestServer;
import org.junit.jupiter.api.Test;

/** A token quota holds for the agent, not per instance: two instances on one PostgreSQL count the same tokens. */
class QuotaAcrossInstancesTest {
    @Test
    void tokens_issued_by_either_instance_count_against_one_quota() {
        try (TestServer a = TestServer.startOn(Backend.POSTGRES); TestServer b = TestServer.startBeside(a)) {
            Agents onA = new Agents(a), onB = new Agents(b);
            onA.created("shared-quota", "\"token_quota\": {\"per_hour\": 4}");
            String refresh = onA.login("shared-quota").text("refresh_token");
            Http.Response r = onB.refresh(refresh);
            assertEquals(200, r.status(), r.body());
            assertEquals(200, onA.clientCredentials("shared-quota", Agents.SECRET).status());
            assertEquals(200, onB.clientCredentials("shared-quota", Agents.SECRET).status());
            for (Agents on : new Agents[] {onA, onB}) {
                Http.Response over = on.refresh(r.text("refresh_token"));
                assertEquals(429, over.status(), over.body());
                assertEquals("too_many_requests", over.error());
            }
        }
    }
}
