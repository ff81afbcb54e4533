package agentauth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-agent {@code dpop_required} field (contract C and D), through the admin API and the CLI. */
class DpopRequiredAgentTest {
    private static final String LOGIN = "{\"username\":\"agent\",\"password\":\"" + DpopClient.SECRET + "\"}";

    @Test
    void requiring_dpop_kills_bearer_tokens_and_unbound_sessions_and_keeps_bound_ones() {
        try (TestServer s = TestServer.start()) {
            s.createUser("agent", DpopClient.SECRET, "read");
            DpopClient agent = new DpopClient(s, new ProofMaker());
            Http http = agent.http;
            String admin = http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
            Http.Response bearer = http.postJson("/login", LOGIN);
            Http.Response bound = agent.login("agent");
            assertEquals(false, http.get("/admin/api/users/agent", "Authorization", "Bearer " + admin).json().get("dpop_required").asBoolean());

            Http.Response patched = http.send("PATCH", "/admin/api/users/agent", "application/json",
                "{\"dpop_required\":true}".getBytes(), "Authorization", "Bearer " + admin);
            assertEquals(200, patched.status(), patched.body());
            assertTrue(patched.json().get("dpop_required").asBoolean());
            assertTrue(http.get("/admin/api/users/agent", "Authorization", "Bearer " + admin).json().get("dpop_required").asBoolean());

            assertEquals(401, http.get("/me", "Authorization", "Bearer " + bearer.text("access_token")).status()); // gen bumped
            Http.Response unbound = http.postJson("/refresh", Http.json("refresh_token", bearer.text("refresh_token")));
            assertEquals("invalid_grant", unbound.error()); // its session ended
            assertEquals(401, agent.me(bound.text("access_token")).status()); // bound tokens die with the gen too...
            Http.Response refreshed = agent.refresh(bound.text("refresh_token"));
            assertEquals(200, refreshed.status(), refreshed.body()); // ...but the bound session refreshes on
            assertEquals(200, agent.me(refreshed.text("access_token")).status());

            Http.Response noProof = http.postJson("/login", LOGIN);
            assertEquals(400, noProof.status());
            assertEquals("invalid_dpop_proof", noProof.error());
            assertEquals("invalid_client", http.postJson("/login", Http.json("username", "agent", "password", "wrong-secret-1234")).error());
            Http.Response cc = http.postForm("/oauth/token", Http.form("grant_type", "client_credentials", "client_id", "agent",
                "client_secret", DpopClient.SECRET));
            assertEquals("invalid_dpop_proof", cc.error());
            assertEquals(200, agent.login("agent").status());

            http.send("PATCH", "/admin/api/users/agent", "application/json", "{\"dpop_required\":false}".getBytes(),
                "Authorization", "Bearer " + admin);
            assertEquals(200, http.postJson("/login", LOGIN).status());
        }
    }

    @Test
    void the_users_command_sets_and_clears_it() {
        try (TestServer s = TestServer.start()) {
            s.createUser("agent", DpopClient.SECRET, "read");
            String db = s.db().toString();
            JarProcess.Result on = JarProcess.run(List.of("users", "require-dpop", "agent", "--db", db));
            assertEquals(0, on.code(), on.output());
            assertEquals("1", s.one("SELECT dpop_required FROM users WHERE username = 'agent'"));
            assertEquals("invalid_dpop_proof", new Http(s.url()).postJson("/login", LOGIN).error());
            JarProcess.Result off = JarProcess.run(List.of("users", "allow-bearer", "agent", "--db", db));
            assertEquals(0, off.code(), off.output());
            assertEquals(200, new Http(s.url()).postJson("/login", LOGIN).status());
        }
    }
}
