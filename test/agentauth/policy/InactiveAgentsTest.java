package agentauth.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * --disable-inactive-after (CONTRACT Round 2 C): agents issued no token for that long are disabled
 * by the server itself (actor system), their sessions ended; admins are exempt. The server's
 * clock is a MutableClock; the test waits for the job's result, never for a time.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class InactiveAgentsTest {
    @Parameter
    Backend backend;

    @Test
    void agents_unused_for_the_period_are_disabled_by_system_and_admins_and_used_agents_are_not() {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try (TestServer server = TestServer.startOn(backend, clock, "--disable-inactive-after", "100s")) {
            Agents agents = new Agents(server);
            agents.created("idle", "");
            agents.created("busy", "");
            Http.Response opsAdmin = agents.http.postJson("/admin/api/users", Http.json("username", "ops-admin", "password",
                Agents.SECRET, "scopes", java.util.List.of("admin")), "Authorization",
                Http.bearer(agents.http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token")));
            assertEquals(201, opsAdmin.status());
            String idleSession = agents.login("idle").text("refresh_token");
            clock.advance(Duration.ofSeconds(70));
            assertEquals(200, agents.login("busy").status());
            clock.advance(Duration.ofSeconds(40)); // idle: unused for 110 s; busy: for 40 s

            await(() -> !agents.user("idle").get("enabled").asBoolean(), "idle is disabled");
            assertTrue(agents.user("busy").get("enabled").asBoolean(), "used within the period");
            assertTrue(agents.user("ops-admin").get("enabled").asBoolean(), "admins are exempt");
            JsonNode events = agents.audit("idle", "user_inactive_disabled");
            assertEquals(1, events.size(), events.toString());
            assertEquals("system", events.get(0).get("actor").asText());
            assertEquals("invalid_client", agents.login("idle").error());
            assertEquals("invalid_grant", agents.refresh(idleSession).error(), "its sessions ended");

            assertEquals(200, agents.patch("idle", "\"enabled\": true").status());
            clock.advance(Duration.ofSeconds(50));
            assertEquals(200, agents.login("idle").status(), "re-enabled by an admin: a whole period to be used again");
        }
    }

    /** Polls {@code done} until it holds, or fails after a generous deadline (the job runs every second). */
    static void await(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("not within 60 s: " + what);
            try {
                Thread.sleep(50); // between two probes of a state, not a wait for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
