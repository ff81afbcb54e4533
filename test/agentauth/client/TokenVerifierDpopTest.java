package agentauth.client;

import static agentauth.client.DpopTestProofs.boundToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.client.InvalidTokenException.Reason;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DPoP-bound tokens at the verifier (RFC 9449 §7), with a table of hostile proofs. */
class TokenVerifierDpopTest {
    private static final String AUDIENCE = "https://api.example";
    private static final URI REQUEST = URI.create("https://api.example/orders?page=2");
    private static final String HTU = "https://api.example/orders";

    private final TestKey agent = TestKey.generate("agent");
    private TestIssuer issuer;
    private TokenVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
        verifier = issuer.verifier(AUDIENCE).build();
    }

    @AfterEach
    void stop() {
        verifier.close();
        issuer.close();
    }

    private long now() {
        return issuer.now();
    }

    private String token() {
        return boundToken(issuer.key, issuer.claims(AUDIENCE), agent);
    }

    private String proof(String token) {
        return agent.sign(DpopTestProofs.header(agent), DpopTestProofs.claims("GET", HTU, token, now()));
    }

    /** A proof's header (with its jwk, to bend in place) and claims, before signing. */
    private record Parts(Map<String, Object> header, Map<String, Object> jwk, Map<String, Object> claims) {
        static Parts of(TestKey key, Map<String, Object> claims) {
            Map<String, Object> header = DpopTestProofs.header(key);
            Map<String, Object> jwk = new LinkedHashMap<>(DpopTestProofs.publicJwk(key));
            header.put("jwk", jwk);
            return new Parts(header, jwk, claims);
        }
    }

    /** A hostile request: from a bound token and good parts, the DPoP header to send; refused with the reason. */
    private record Hostile(String name, Reason reason, BiFunction<String, Parts, String> dpop) {
    }

    /** A proof signed by the agent's key after {@code edit} changed its header or claims. */
    private Hostile bent(String name, Consumer<Parts> edit) {
        return new Hostile(name, Reason.DPOP_PROOF, (token, p) -> {
            edit.accept(p);
            return agent.sign(p.header(), p.claims());
        });
    }

    private List<Hostile> hostileProofs() {
        TestKey other = TestKey.generate("other");
        List<Hostile> all = new ArrayList<>();
        all.add(new Hostile("no proof", Reason.DPOP_PROOF, (t, p) -> null));
        all.add(new Hostile("alg none", Reason.DPOP_PROOF, (t, p) -> {
            p.header().put("alg", "none");
            String s = agent.sign(p.header(), p.claims());
            return s.substring(0, s.lastIndexOf('.') + 1);
        }));
        all.add(bent("alg HS256", p -> p.header().put("alg", "HS256")));
        all.add(bent("alg ES384", p -> p.header().put("alg", "ES384")));
        all.add(bent("typ JWT", p -> p.header().put("typ", "JWT")));
        all.add(bent("no typ", p -> p.header().remove("typ")));
        all.add(bent("jwk with d", p -> p.jwk().put("d", "AAAA")));
        all.add(bent("no jwk", p -> p.header().remove("jwk")));
        all.add(bent("jwk of another curve", p -> p.jwk().put("crv", "P-384")));
        all.add(bent("crit header", p -> p.header().put("crit", List.of("exp"))));
        all.add(bent("htm POST for a GET", p -> p.claims().put("htm", "POST")));
        all.add(bent("htm in lower case", p -> p.claims().put("htm", "get")));
        all.add(bent("htu of another path", p -> p.claims().put("htu", "https://api.example/admin")));
        all.add(bent("htu of another host", p -> p.claims().put("htu", "https://evil.example/orders")));
        all.add(bent("htu with a query", p -> p.claims().put("htu", HTU + "?page=2")));
        all.add(bent("htu with a fragment", p -> p.claims().put("htu", HTU + "#x")));
        all.add(bent("htu over http", p -> p.claims().put("htu", "http://api.example/orders")));
        all.add(bent("iat 61 s old", p -> p.claims().put("iat", now() - 61)));
        all.add(bent("iat 6 s ahead", p -> p.claims().put("iat", now() + 6)));
        all.add(bent("iat as a string", p -> p.claims().put("iat", String.valueOf(now()))));
        all.add(bent("no jti", p -> p.claims().remove("jti")));
        all.add(bent("jti of 129 characters", p -> p.claims().put("jti", "j".repeat(129))));
        all.add(bent("no ath", p -> p.claims().remove("ath")));
        all.add(bent("ath of another token", p -> p.claims().put("ath", DpopTestProofs.ath("another.access.token"))));
        all.add(new Hostile("signed by another key than cnf.jkt", Reason.DPOP_PROOF,
                (t, p) -> other.sign(DpopTestProofs.header(other), p.claims())));
        all.add(new Hostile("the bound key's jwk, another key's signature", Reason.DPOP_PROOF,
                (t, p) -> other.sign(p.header(), p.claims())));
        all.add(new Hostile("two DPoP headers", Reason.DPOP_PROOF,
                (t, p) -> agent.sign(p.header(), p.claims()) + ", " + agent.sign(p.header(), p.claims())));
        all.add(new Hostile("a proof of 9 KiB", Reason.DPOP_PROOF, (t, p) -> {
            p.claims().put("pad", "x".repeat(9 * 1024));
            return agent.sign(p.header(), p.claims());
        }));
        all.add(new Hostile("garbage", Reason.DPOP_PROOF, (t, p) -> "not.a.jws"));
        return all;
    }

    @Test
    void a_table_of_hostile_proofs_is_refused_each_for_its_reason() {
        List<Hostile> cases = hostileProofs();
        assertTrue(cases.size() >= 25, "cases: " + cases.size());
        for (Hostile h : cases) {
            String token = token();
            String dpop = h.dpop().apply(token, Parts.of(agent, DpopTestProofs.claims("GET", HTU, token, now())));
            InvalidTokenException e = assertThrows(InvalidTokenException.class,
                    () -> verifier.verify("GET", REQUEST, "DPoP " + token, dpop), h.name());
            assertEquals(h.reason(), e.reason(), h.name() + ": " + e.getMessage());
            assertEquals("invalid_dpop_proof", e.error(), h.name());
            assertTrue(dpop == null || !e.getMessage().contains(dpop), "the message quotes no proof");
        }
        String token = token();
        assertEquals("agent-1", verifier.verify("GET", REQUEST, "DPoP " + token, proof(token)).subject(),
                "and the untouched proof is accepted");
    }

    @Test
    void a_valid_proof_is_accepted_once_and_its_replay_refused() {
        String token = token();
        String proof = proof(token);
        TokenClaims claims = verifier.verify("GET", REQUEST, "dpop " + token, proof);
        assertEquals(DpopTestProofs.thumbprint(agent), claims.dpopKeyThumbprint());
        InvalidTokenException replay = assertThrows(InvalidTokenException.class,
                () -> verifier.verify("GET", REQUEST, "DPoP " + token, proof));
        assertTrue(replay.getMessage().contains("replay"), replay.getMessage());
        assertEquals("agent-1", verifier.verify("GET", REQUEST, "DPoP " + token, proof(token)).subject());
    }

    @Test
    void replicas_sharing_a_replay_cache_refuse_a_proof_replayed_to_the_other() {
        DpopReplayCache shared = DpopReplayCache.inMemory(1000);
        try (TokenVerifier a = issuer.verifier(AUDIENCE).dpopReplayCache(shared).build();
             TokenVerifier b = issuer.verifier(AUDIENCE).dpopReplayCache(shared).build()) {
            String token = token();
            String proof = proof(token);
            a.verify("GET", REQUEST, "DPoP " + token, proof);
            assertThrows(InvalidTokenException.class, () -> b.verify("GET", REQUEST, "DPoP " + token, proof));
        }
    }

    @Test
    void a_bound_token_presented_as_bearer_is_refused_everywhere() {
        String token = token();
        InvalidTokenException e = assertThrows(InvalidTokenException.class,
                () -> verifier.verify("GET", REQUEST, "Bearer " + token, proof(token)));
        assertEquals(Reason.DPOP_BOUND_AS_BEARER, e.reason());
        assertEquals("invalid_token", e.error());
        assertEquals(Reason.DPOP_BOUND_AS_BEARER, assertThrows(InvalidTokenException.class,
                () -> verifier.verifyAuthorizationHeader("Bearer " + token)).reason());
    }

    @Test
    void an_unbound_token_presented_as_dpop_is_refused_and_as_bearer_accepted() {
        String bearer = issuer.token(issuer.claims(AUDIENCE));
        assertEquals(Reason.BEARER_AS_DPOP, assertThrows(InvalidTokenException.class,
                () -> verifier.verify("GET", REQUEST, "DPoP " + bearer, proof(bearer))).reason());
        assertEquals("agent-1", verifier.verify("GET", REQUEST, "Bearer " + bearer, null).subject());
    }

    @Test
    void a_token_bound_by_another_method_than_jkt_is_refused() {
        Map<String, Object> c = issuer.claims(AUDIENCE);
        c.put("cnf", Map.of("x5t#S256", "abc"));
        String token = issuer.token(c);
        assertEquals(Reason.MALFORMED, assertThrows(InvalidTokenException.class,
                () -> verifier.verifyAuthorizationHeader("Bearer " + token)).reason());
    }

    @Test
    void htu_is_compared_after_rfc_3986_normalization() {
        String token = token();
        String proof = agent.sign(DpopTestProofs.header(agent),
                DpopTestProofs.claims("GET", "HTTPS://API.Example:443/a/./b/../%7Eorders%2f", token, now()));
        assertEquals("agent-1", verifier.verify("GET", URI.create("https://api.example/a/~orders%2F?x=1"),
                "DPoP " + token, proof).subject());
    }

    @Test
    void behind_a_path_rewriting_proxy_the_public_base_url_names_the_request() {
        try (TokenVerifier proxied = issuer.verifier(AUDIENCE)
                .publicBaseUrl("https://public.example/billing/").build()) {
            String token = token();
            String proof = agent.sign(DpopTestProofs.header(agent),
                    DpopTestProofs.claims("POST", "https://public.example/billing/invoices", token, now()));
            assertEquals("agent-1", proxied.verify("POST", URI.create("/invoices"), "DPoP " + token, proof).subject());
            String internal = agent.sign(DpopTestProofs.header(agent),
                    DpopTestProofs.claims("POST", "http://10.0.0.7:8080/invoices", token, now()));
            assertThrows(InvalidTokenException.class,
                    () -> proxied.verify("POST", URI.create("http://10.0.0.7:8080/invoices"), "DPoP " + token, internal));
        }
        assertThrows(IllegalArgumentException.class,
                () -> verifier.verify("GET", URI.create("/orders"), "DPoP " + token(), "x.y.z"));
    }
}
