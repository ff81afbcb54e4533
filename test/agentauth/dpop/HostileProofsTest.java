package agentauth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile DPoP proofs (RFC 9449 §4.3, contract D), one per row: each is refused with the right
 * error, and nothing in the database changes (no session, no login, no token used or ended, no
 * proof recorded). The agent's own next request still works.
 */
class HostileProofsTest {
    private static TestServer server;
    private static DpopClient agent;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start("--dpop", "optional");
        server.createUser("agent", DpopClient.SECRET, "read");
        agent = new DpopClient(server, new ProofMaker());
        http = agent.http;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * One hostile request: its name, the request, the status and error expected. A row whose
     * proof is itself valid (a thief's own key) may leave that proof recorded, nothing else.
     */
    record Row(String name, Function<Session, Http.Response> send, int status, String error, boolean validProof) {
        Row(String name, Function<Session, Http.Response> send, int status, String error) {
            this(name, send, status, error, false);
        }
    }

    /** A live bound session for the rows that present tokens. */
    record Session(String access, String refresh) {}

    private static final String LOGIN = "{\"username\":\"agent\",\"password\":\"" + DpopClient.SECRET + "\"}";

    private static Http.Response login(String... headers) {
        return http.postJson("/login", LOGIN, headers);
    }

    private static String loginProof(java.util.function.Consumer<Map<String, Object>> header,
                                     java.util.function.Consumer<Map<String, Object>> claims) {
        return agent.key.proof("POST", agent.htu("/login"), null, header, claims);
    }

    private static List<Row> rows() {
        ProofMaker other = new ProofMaker();
        long now = System.currentTimeMillis() / 1000;
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("typ JWT", s -> login("DPoP", loginProof(h -> h.put("typ", "JWT"), c -> {})), 400, "invalid_dpop_proof"));
        rows.add(new Row("no typ", s -> login("DPoP", loginProof(h -> h.remove("typ"), c -> {})), 400, "invalid_dpop_proof"));
        rows.add(new Row("alg none, no signature", s -> login("DPoP",
            ProofMaker.withSignature(loginProof(h -> h.put("alg", "none"), c -> {}), "")), 400, "invalid_dpop_proof"));
        rows.add(new Row("alg HS256", s -> login("DPoP", loginProof(h -> h.put("alg", "HS256"), c -> {})), 400, "invalid_dpop_proof"));
        rows.add(new Row("alg RS256", s -> login("DPoP", loginProof(h -> h.put("alg", "RS256"), c -> {})), 400, "invalid_dpop_proof"));
        rows.add(new Row("jwk with the private d", s -> login("DPoP", loginProof(
            h -> h.put("jwk", agent.key.key.toJSONObject()), c -> {})), 400, "invalid_dpop_proof"));
        rows.add(new Row("no jwk", s -> login("DPoP", loginProof(h -> h.remove("jwk"), c -> {})), 400, "invalid_dpop_proof"));
        rows.add(new Row("crit header", s -> login("DPoP", loginProof(h -> h.put("crit", List.of("exp")), c -> {})), 400,
            "invalid_dpop_proof"));
        rows.add(new Row("signed by another key than its jwk", s -> login("DPoP",
            other.proof("POST", agent.htu("/login"), null, h -> h.put("jwk", agent.key.key.toPublicJWK().toJSONObject()), c -> {})),
            400, "invalid_dpop_proof"));
        rows.add(new Row("signature bytes changed", s -> {
            String p = loginProof(h -> {}, c -> {});
            String sig = p.substring(p.lastIndexOf('.') + 1);
            return login("DPoP", ProofMaker.withSignature(p, (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1)));
        }, 400, "invalid_dpop_proof"));
        rows.add(new Row("htm GET", s -> login("DPoP", loginProof(h -> {}, c -> c.put("htm", "GET"))), 400, "invalid_dpop_proof"));
        rows.add(new Row("htu of another endpoint", s -> login("DPoP", loginProof(h -> {}, c -> c.put("htu", agent.htu("/refresh")))),
            400, "invalid_dpop_proof"));
        rows.add(new Row("htu with a query string", s -> login("DPoP", loginProof(h -> {}, c -> c.put("htu", agent.htu("/login?x=1")))),
            400, "invalid_dpop_proof"));
        rows.add(new Row("htu of another host", s -> login("DPoP", loginProof(h -> {},
            c -> c.put("htu", "http://attacker.example/login"))), 400, "invalid_dpop_proof"));
        rows.add(new Row("iat 2 minutes old", s -> login("DPoP", loginProof(h -> {}, c -> c.put("iat", now - 120))), 400,
            "invalid_dpop_proof"));
        rows.add(new Row("iat 30 s ahead", s -> login("DPoP", loginProof(h -> {}, c -> c.put("iat", now + 30))), 400,
            "invalid_dpop_proof"));
        rows.add(new Row("iat a string", s -> login("DPoP", loginProof(h -> {}, c -> c.put("iat", "" + now))), 400,
            "invalid_dpop_proof"));
        rows.add(new Row("no jti", s -> login("DPoP", loginProof(h -> {}, c -> c.remove("jti"))), 400, "invalid_dpop_proof"));
        rows.add(new Row("jti of 129 characters", s -> login("DPoP", loginProof(h -> {}, c -> c.put("jti", "j".repeat(129)))), 400,
            "invalid_dpop_proof"));
        rows.add(new Row("two DPoP headers", s -> login("DPoP", loginProof(h -> {}, c -> {}), "DPoP", loginProof(h -> {}, c -> {})),
            400, "invalid_dpop_proof"));
        rows.add(new Row("not a JWS", s -> login("DPoP", "not-a-proof"), 400, "invalid_dpop_proof"));
        rows.add(new Row("refresh of a bound session with another key's proof", s -> http.postJson("/refresh",
            Http.json("refresh_token", s.refresh()), "DPoP", other.proof("POST", agent.htu("/refresh"), null)), 400, "invalid_dpop_proof",
            true));
        rows.add(new Row("refresh of a bound session without a proof", s -> http.postJson("/refresh",
            Http.json("refresh_token", s.refresh())), 400, "invalid_dpop_proof"));
        rows.add(new Row("OAuth refresh of a bound session with another key's proof", s -> http.postForm("/oauth/token",
            Http.form("grant_type", "refresh_token", "refresh_token", s.refresh(), "client_id", "agent", "client_secret",
                DpopClient.SECRET), "DPoP", other.proof("POST", agent.htu("/oauth/token"), null)), 400, "invalid_dpop_proof", true));
        rows.add(new Row("logout of a bound session without a proof", s -> http.postJson("/logout",
            Http.json("refresh_token", s.refresh())), 400, "invalid_dpop_proof"));
        rows.add(new Row("/me: bound token as Bearer", s -> http.get("/me", "Authorization", "Bearer " + s.access()), 401,
            "invalid_token"));
        rows.add(new Row("/me: no proof", s -> http.get("/me", "Authorization", "DPoP " + s.access()), 401, "invalid_dpop_proof"));
        rows.add(new Row("/me: no ath", s -> http.get("/me", "Authorization", "DPoP " + s.access(), "DPoP",
            agent.key.proof("GET", agent.htu("/me"), null)), 401, "invalid_dpop_proof"));
        rows.add(new Row("/me: ath of another token", s -> http.get("/me", "Authorization", "DPoP " + s.access(), "DPoP",
            agent.key.proof("GET", agent.htu("/me"), s.refresh())), 401, "invalid_dpop_proof"));
        rows.add(new Row("/me: proof by another key than cnf.jkt", s -> http.get("/me", "Authorization", "DPoP " + s.access(),
            "DPoP", other.proof("GET", agent.htu("/me"), s.access())), 401, "invalid_dpop_proof"));
        rows.add(new Row("/me: proof for POST", s -> http.get("/me", "Authorization", "DPoP " + s.access(), "DPoP",
            agent.key.proof("POST", agent.htu("/me"), s.access())), 401, "invalid_dpop_proof"));
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> each_hostile_proof_is_refused_and_changes_nothing() {
        Http.Response first = agent.login("agent");
        assertEquals(200, first.status(), first.body());
        Session session = new Session(first.text("access_token"), first.text("refresh_token"));
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> {
            String before = state(row.validProof());
            Http.Response r = row.send().apply(session);
            assertEquals(row.status(), r.status(), r.body());
            assertEquals(row.error(), r.error(), r.body());
            if (r.status() == 401) {
                String challenge = r.header("WWW-Authenticate");
                assertNotNull(challenge);
                assertTrue(challenge.startsWith("DPoP error=\"" + row.error() + "\"") && challenge.contains("algs=\"ES256\""),
                    challenge);
            }
            assertEquals(before, state(row.validProof()), "the database changed");
            Http.Response own = agent.me(session.access()); // the agent's own key still works
            assertEquals(200, own.status(), own.body());
        }));
    }

    @Test
    void a_replayed_proof_is_refused_the_second_time() {
        String proof = agent.key.proof("POST", agent.htu("/login"), null);
        assertEquals(200, login("DPoP", proof).status());
        String before = state();
        Http.Response again = login("DPoP", proof);
        assertEquals(400, again.status(), again.body());
        assertEquals("invalid_dpop_proof", again.error());
        assertEquals(before, state());
    }

    @Test
    void htu_is_the_issuer_url_never_the_host_header() {
        String sent = server.url().substring("http://".length());
        String hostProof = agent.key.proof("POST", "http://attacker.example/login", null);
        assertEquals(400, DpopClient.postWithHost(server.url(), "/login", "attacker.example", hostProof, LOGIN));
        String issuerProof = agent.key.proof("POST", agent.htu("/login"), null);
        assertEquals(200, DpopClient.postWithHost(server.url(), "/login", "attacker.example", issuerProof, LOGIN));
        assertTrue(sent.startsWith("127.0.0.1:"));
    }

    @Test
    void a_refused_refresh_of_a_bound_session_is_audited_and_the_agent_refreshes_after() {
        Http.Response first = agent.login("agent");
        String refresh = first.text("refresh_token");
        ProofMaker thief = new ProofMaker();
        Http.Response stolen = http.postJson("/refresh", Http.json("refresh_token", refresh), "DPoP",
            thief.proof("POST", agent.htu("/refresh"), null));
        assertEquals(400, stolen.status());
        assertTrue(Integer.parseInt(server.one("SELECT count(*) FROM audit_events WHERE type = 'dpop_key_mismatch'")) >= 1);
        Http.Response own = agent.refresh(refresh);
        assertEquals(200, own.status(), own.body());
        assertEquals("DPoP", own.text("token_type"));
    }

    /** What a refused request must not change: sessions, tokens used, logins, recorded proofs. */
    private static String state() {
        return state(false);
    }

    private static String state(boolean butProofs) {
        return String.join(",", server.one("SELECT count(*) FROM families"), server.one("SELECT count(*) FROM families WHERE revoked_at IS NOT NULL"),
            server.one("SELECT count(*) FROM refresh_tokens"), server.one("SELECT count(*) FROM refresh_tokens WHERE used_at IS NOT NULL"),
            server.one("SELECT count(*) FROM audit_events WHERE type = 'login'"), butProofs ? "" : server.one("SELECT count(*) FROM dpop_proofs"));
    }
}
