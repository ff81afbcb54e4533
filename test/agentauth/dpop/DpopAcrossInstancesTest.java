package agentauth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one PostgreSQL database behind one issuer URL act as one server for DPoP:
 * a proof accepted by one is a replay at the other, a nonce from one is good at the other, and
 * a session bound on one refreshes on the other only with its key.
 */
class DpopAcrossInstancesTest {
    private static final String LOGIN = "{\"username\":\"agent\",\"password\":\"" + DpopClient.SECRET + "\"}";

    @Test
    void a_proof_is_accepted_once_across_instances_and_a_nonce_from_one_is_good_at_the_other() {
        try (TestServer a = TestServer.startOn(Backend.POSTGRES, "--dpop-nonce", "required")) {
            // B answers for A's issuer URL, as instances behind one load balancer do
            try (TestServer b = TestServer.startBeside(a, "--issuer", a.url(), "--dpop-nonce", "required")) {
                a.createUser("agent", DpopClient.SECRET, "read");
                ProofMaker key = new ProofMaker();
                Http onA = new Http(a.url()), onB = new Http(b.url());
                String nonce = onA.postJson("/login", LOGIN, "DPoP", key.proof("POST", a.url() + "/login", null)).header("DPoP-Nonce");
                assertNotNull(nonce);
                String proof = key.proof("POST", a.url() + "/login", null, h -> {}, c -> c.put("nonce", nonce));
                Http.Response first = onB.postJson("/login", LOGIN, "DPoP", proof); // A's nonce, at B
                assertEquals(200, first.status(), first.body());
                Http.Response replay = onA.postJson("/login", LOGIN, "DPoP", proof);
                assertEquals(400, replay.status(), replay.body());
                assertEquals("invalid_dpop_proof", replay.error());
                assertEquals("1", a.one("SELECT count(*) FROM families"));

                String refresh = first.text("refresh_token");
                String next = first.header("DPoP-Nonce");
                Http.Response thief = onA.postJson("/refresh", Http.json("refresh_token", refresh), "DPoP",
                    new ProofMaker().proof("POST", a.url() + "/refresh", null, h -> {}, c -> c.put("nonce", next)));
                assertEquals("invalid_dpop_proof", thief.error());
                Http.Response own = onA.postJson("/refresh", Http.json("refresh_token", refresh), "DPoP",
                    key.proof("POST", a.url() + "/refresh", null, h -> {}, c -> c.put("nonce", next)));
                assertEquals(200, own.status(), own.body());
            }
        }
    }
}
