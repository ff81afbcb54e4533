package agentauth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The DPoP modes, nonces and what a bound token looks like to each endpoint (contract D). */
class DpopModesTest {
    private static final String LOGIN = "{\"username\":\"agent\",\"password\":\"" + DpopClient.SECRET + "\"}";

    private static TestServer server(String... flags) {
        TestServer s = TestServer.start(flags);
        s.createUser("agent", DpopClient.SECRET, "read", "introspect");
        return s;
    }

    static JsonNode payload(String jwt) {
        try {
            return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void optional_binds_a_token_to_the_proofs_key_and_leaves_bearer_clients_alone() {
        try (TestServer s = server()) {
            DpopClient agent = new DpopClient(s, new ProofMaker());
            Http.Response bound = agent.login("agent");
            assertEquals(200, bound.status(), bound.body());
            assertEquals("DPoP", bound.text("token_type"));
            assertEquals(agent.key.thumbprint(), payload(bound.text("access_token")).at("/cnf/jkt").asText());
            Http.Response me = agent.me(bound.text("access_token"));
            assertEquals(200, me.status(), me.body());
            assertEquals(agent.key.thumbprint(), me.json().at("/cnf/jkt").asText());

            Http.Response bearer = agent.http.postJson("/login", LOGIN);
            assertEquals("Bearer", bearer.text("token_type"));
            assertTrue(payload(bearer.text("access_token")).path("cnf").isMissingNode());
            assertEquals(200, agent.http.get("/me", "Authorization", "Bearer " + bearer.text("access_token")).status());
            Http.Response asDpop = agent.http.get("/me", "Authorization", "DPoP " + bearer.text("access_token"), "DPoP",
                agent.key.proof("GET", agent.htu("/me"), bearer.text("access_token")));
            assertEquals(401, asDpop.status());
            assertEquals("invalid_token", asDpop.error());

            JsonNode metadata = agent.http.get("/.well-known/oauth-authorization-server").json();
            assertEquals("[\"ES256\"]", metadata.get("dpop_signing_alg_values_supported").toString());
        }
    }

    @Test
    void required_refuses_a_token_request_without_a_proof_once_the_secret_verified() {
        try (TestServer s = server("--dpop", "required")) {
            DpopClient agent = new DpopClient(s, new ProofMaker());
            Http.Response none = agent.http.postJson("/login", LOGIN);
            assertEquals(400, none.status());
            assertEquals("invalid_dpop_proof", none.error());
            Http.Response wrongSecret = agent.http.postJson("/login", Http.json("username", "agent", "password", "wrong-secret-123"));
            assertEquals("invalid_client", wrongSecret.error());
            Http.Response cc = agent.http.postForm("/oauth/token", Http.form("grant_type", "client_credentials",
                "client_id", "agent", "client_secret", DpopClient.SECRET));
            assertEquals(400, cc.status());
            assertEquals("invalid_dpop_proof", cc.error());
            Http.Response ccBound = agent.http.postForm("/oauth/token", Http.form("grant_type", "client_credentials",
                "client_id", "agent", "client_secret", DpopClient.SECRET), "DPoP", agent.key.proof("POST", agent.htu("/oauth/token"), null));
            assertEquals(200, ccBound.status(), ccBound.body());
            assertEquals("DPoP", ccBound.text("token_type"));
            assertEquals("0", s.one("SELECT count(*) FROM families"));
            assertEquals(200, agent.login("agent").status());
        }
    }

    @Test
    void off_ignores_proofs_and_advertises_no_dpop() {
        try (TestServer s = server("--dpop", "off")) {
            DpopClient agent = new DpopClient(s, new ProofMaker());
            Http.Response r = agent.http.postJson("/login", LOGIN, "DPoP", "not-even-a-proof");
            assertEquals(200, r.status(), r.body());
            assertEquals("Bearer", r.text("token_type"));
            assertTrue(payload(r.text("access_token")).path("cnf").isMissingNode());
            assertNull(agent.http.get("/.well-known/oauth-authorization-server").json().get("dpop_signing_alg_values_supported"));
        }
    }

    @Test
    void a_session_is_bound_only_at_login_never_by_a_later_refresh() {
        try (TestServer s = server()) {
            DpopClient agent = new DpopClient(s, new ProofMaker());
            Http.Response bearer = agent.http.postJson("/login", LOGIN);
            Http.Response withProof = agent.refresh(bearer.text("refresh_token"));
            assertEquals(200, withProof.status(), withProof.body());
            assertEquals("DPoP", withProof.text("token_type")); // this access token is bound...
            Http.Response plain = agent.http.postJson("/refresh", Http.json("refresh_token", withProof.text("refresh_token")));
            assertEquals(200, plain.status(), plain.body()); // ...the session is not
            assertEquals("Bearer", plain.text("token_type"));
            assertEquals("0", s.one("SELECT count(*) FROM families WHERE dpop_jkt IS NOT NULL"));
        }
    }

    @Test
    void logout_and_revocation_of_a_bound_session_need_its_key() {
        try (TestServer s = server()) {
            DpopClient agent = new DpopClient(s, new ProofMaker());
            String refresh = agent.login("agent").text("refresh_token");
            Http.Response thief = agent.http.postForm("/oauth/revoke", Http.form("token", refresh, "client_id", "agent",
                "client_secret", DpopClient.SECRET));
            assertEquals(400, thief.status());
            assertEquals("invalid_dpop_proof", thief.error());
            assertEquals("0", s.one("SELECT count(*) FROM families WHERE revoked_at IS NOT NULL"));
            Http.Response own = agent.http.postForm("/oauth/revoke", Http.form("token", refresh, "client_id", "agent",
                "client_secret", DpopClient.SECRET), "DPoP", agent.key.proof("POST", agent.htu("/oauth/revoke"), null));
            assertEquals(200, own.status(), own.body());
            assertEquals("1", s.one("SELECT count(*) FROM families WHERE revoked_at IS NOT NULL"));

            String second = agent.login("agent").text("refresh_token");
            Http.Response logout = agent.http.postJson("/logout", Http.json("refresh_token", second), "DPoP",
                agent.key.proof("POST", agent.htu("/logout"), null));
            assertEquals(204, logout.status(), logout.body());
            assertEquals("2", s.one("SELECT count(*) FROM families WHERE revoked_at IS NOT NULL"));
        }
    }

    @Test
    void the_oauth_refresh_grant_and_the_retry_window_work_for_a_bound_session_with_its_key() {
        try (TestServer s = server("--refresh-retry-window", "30s")) {
            DpopClient agent = new DpopClient(s, new ProofMaker());
            String refresh = agent.login("agent").text("refresh_token");
            Http.Response viaOAuth = agent.http.postForm("/oauth/token", Http.form("grant_type", "refresh_token",
                "refresh_token", refresh, "client_id", "agent", "client_secret", DpopClient.SECRET),
                "DPoP", agent.key.proof("POST", agent.htu("/oauth/token"), null));
            assertEquals(200, viaOAuth.status(), viaOAuth.body());
            assertEquals("DPoP", viaOAuth.text("token_type"));
            String next = viaOAuth.text("refresh_token");
            Http.Response once = agent.refresh(next);
            Http.Response lostAnswerRetried = agent.refresh(next); // a new proof, the same used token: the retry window's copy
            assertEquals(200, lostAnswerRetried.status(), lostAnswerRetried.body());
            assertEquals(once.text("refresh_token"), lostAnswerRetried.text("refresh_token"));
            assertEquals("DPoP", lostAnswerRetried.text("token_type"));
            Http.Response thiefRetry = agent.http.postJson("/refresh", Http.json("refresh_token", next), "DPoP",
                new ProofMaker().proof("POST", agent.htu("/refresh"), null));
            assertEquals("invalid_dpop_proof", thiefRetry.error()); // no copy for another key
            assertEquals("0", s.one("SELECT count(*) FROM families WHERE revoked_at IS NOT NULL"));
        }
    }

    @Test
    void introspection_shows_the_binding() {
        try (TestServer s = server()) {
            DpopClient agent = new DpopClient(s, new ProofMaker());
            String access = agent.login("agent").text("access_token");
            JsonNode r = agent.http.postForm("/oauth/introspect", Http.form("token", access, "client_id", "agent",
                "client_secret", DpopClient.SECRET)).json();
            assertTrue(r.get("active").asBoolean());
            assertEquals("DPoP", r.get("token_type").asText());
            assertEquals(agent.key.thumbprint(), r.at("/cnf/jkt").asText());
        }
    }

    @Test
    void the_admin_api_takes_a_bound_admin_token_only_with_a_proof() {
        try (TestServer s = server()) {
            DpopClient admin = new DpopClient(s, new ProofMaker());
            String access = admin.http.postJson("/login", Http.json("username", "admin", "password", TestServer.ADMIN_PASSWORD),
                "DPoP", admin.key.proof("POST", admin.htu("/login"), null)).text("access_token");
            Http.Response ok = admin.http.get("/admin/api/users", "Authorization", "DPoP " + access, "DPoP",
                admin.key.proof("GET", admin.htu("/admin/api/users"), access));
            assertEquals(200, ok.status(), ok.body());
            Http.Response bearer = admin.http.get("/admin/api/users", "Authorization", "Bearer " + access);
            assertEquals(401, bearer.status());
            assertEquals("DPoP error=\"invalid_token\", algs=\"ES256\"", bearer.header("WWW-Authenticate"));
            Http.Response replayed = admin.http.get("/admin/api/users", "Authorization", "DPoP " + access, "DPoP",
                ok.raw().request().headers().firstValue("DPoP").orElseThrow());
            assertEquals(401, replayed.status());
            assertEquals("invalid_dpop_proof", replayed.error());
        }
    }

    @Test
    void under_required_nonces_a_proof_without_one_is_answered_with_a_nonce_that_outlives_a_restart() {
        try (TestServer s = server("--dpop-nonce", "required")) {
            DpopClient agent = new DpopClient(s, new ProofMaker());
            Http.Response first = agent.login("agent");
            assertEquals(400, first.status());
            assertEquals("use_dpop_nonce", first.error());
            String nonce = first.header("DPoP-Nonce");
            assertNotNull(nonce);
            assertEquals("0", s.one("SELECT count(*) FROM families"));
            Http.Response second = agent.http.postJson("/login", LOGIN, "DPoP",
                agent.key.proof("POST", agent.htu("/login"), null, h -> {}, c -> c.put("nonce", nonce)));
            assertEquals(200, second.status(), second.body());
            assertNotNull(second.header("DPoP-Nonce"));
            Http.Response forged = agent.http.postJson("/login", LOGIN, "DPoP",
                agent.key.proof("POST", agent.htu("/login"), null, h -> {}, c -> c.put("nonce", nonce.substring(1) + "A")));
            assertEquals("use_dpop_nonce", forged.error());

            s.restart(); // another process with the same master key: the nonce still holds
            DpopClient again = new DpopClient(s, agent.key);
            Http.Response afterRestart = again.http.postJson("/login", LOGIN, "DPoP",
                again.key.proof("POST", again.htu("/login"), null, h -> {}, c -> c.put("nonce", nonce)));
            assertEquals(200, afterRestart.status(), afterRestart.body());
        }
    }
}
