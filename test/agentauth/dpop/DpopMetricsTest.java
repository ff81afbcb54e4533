package agentauth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Refused proofs are counted by reason ({@code agentauth_dpop_rejected_total}), and a bound
 * session refreshed with another key is audited at most once a minute (contract G and H).
 */
class DpopMetricsTest {
    private static double rejected(Http metrics, String reason) {
        Matcher m = Pattern.compile("(?m)^agentauth_dpop_rejected_total\\{reason=\"" + reason + "\"} (\\S+)$")
            .matcher(metrics.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void refusals_are_counted_by_reason_and_a_thief_is_audited_once_a_minute_per_session() {
        try (TestServer s = TestServer.start("--metrics-port", "0")) {
            s.createUser("agent", DpopClient.SECRET, "read");
            Http metrics = new Http("http://127.0.0.1:" + s.app().metricsPort());
            DpopClient agent = new DpopClient(s, new ProofMaker());
            double replays = rejected(metrics, "replay"), mismatches = rejected(metrics, "key_mismatch"),
                htu = rejected(metrics, "htu");

            String proof = agent.key.proof("POST", agent.htu("/login"), null);
            String login = "{\"username\":\"agent\",\"password\":\"" + DpopClient.SECRET + "\"}";
            Http.Response first = agent.http.postJson("/login", login, "DPoP", proof);
            assertEquals(200, first.status());
            assertEquals("invalid_dpop_proof", agent.http.postJson("/login", login, "DPoP", proof).error());
            assertEquals(replays + 1, rejected(metrics, "replay"));
            agent.http.postJson("/login", login, "DPoP", agent.key.proof("POST", agent.htu("/logout"), null));
            assertEquals(htu + 1, rejected(metrics, "htu"));

            ProofMaker thief = new ProofMaker();
            for (int i = 0; i < 2; i++) {
                Http.Response stolen = agent.http.postJson("/refresh", Http.json("refresh_token", first.text("refresh_token")),
                    "DPoP", thief.proof("POST", agent.htu("/refresh"), null));
                assertEquals("invalid_dpop_proof", stolen.error());
            }
            assertEquals(mismatches + 2, rejected(metrics, "key_mismatch"));
            String sid = DpopModesTest.payload(first.text("access_token")).get("sid").asText();
            assertEquals("1", s.one("SELECT count(*) FROM audit_events WHERE type = 'dpop_key_mismatch' AND detail LIKE '%" + sid + "'"));
        }
    }
}
