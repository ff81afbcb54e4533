package agentauth.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Two instances on one PostgreSQL run the inactive-agents job under one lock: an agent is disabled once, audited once. */
class InactiveAcrossInstancesTest {
    @Test
    void two_instances_disable_an_unused_agent_once() {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try (TestServer a = TestServer.startOn(Backend.POSTGRES, clock, "--disable-inactive-after", "100s");
             TestServer b = TestServer.startBeside(a, "--disable-inactive-after", "100s")) {
            Agents onA = new Agents(a), onB = new Agents(b);
            onA.created("idle-across", "");
            onA.created("used-across", "");
            clock.advance(Duration.ofSeconds(60));
            assertEquals(200, onB.login("used-across").status());
            clock.advance(Duration.ofSeconds(41));
            InactiveAgentsTest.await(() -> !onB.user("idle-across").get("enabled").asBoolean(), "idle-across is disabled");
            assertTrue(onA.user("used-across").get("enabled").asBoolean(), "used 41 s ago");
            onA.created("idle-later", ""); // a later run of the job disables it: by then the job ran again
            clock.advance(Duration.ofSeconds(101));
            InactiveAgentsTest.await(() -> !onA.user("idle-later").get("enabled").asBoolean(), "idle-later is disabled");
            assertEquals(1, onA.audit("idle-across", "user_inactive_disabled").size(), "disabled and audited once");
            assertEquals(1, onB.audit("idle-later", "user_inactive_disabled").size());
        }
    }
}
