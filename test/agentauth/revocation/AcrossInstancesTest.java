package agentauth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Await;
import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kill switch across two instances on one PostgreSQL database (CONTRACT Round 2 A and B):
 * a kill made on one instance reaches a verifier that polls the other, and the list's version
 * is one counter in the database, so both instances answer 304 alike to either's ETag.
 */
class AcrossInstancesTest {
    @Test
    void a_kill_on_one_instance_reaches_a_verifier_polling_the_other_and_both_answer_304_alike() {
        try (TestServer a = TestServer.startOn(Backend.POSTGRES);
             TestServer b = TestServer.startBeside(a);
             ProtectedService service = ProtectedService.of(b.url())) {
            Admin onA = new Admin(new Http(a.url()));
            Admin onB = new Admin(new Http(b.url()));
            onA.createAgent("agent-across", "read");
            onA.createAgent("bystander-across", "read");
            String token = onB.accessToken("agent-across"); // B's tokens, for the service that trusts B
            String other = onB.accessToken("bystander-across");
            assertEquals(200, service.call(token).status());
            List<String> before = sameEtag(onA, onB, null);

            onA.kill("agent-across");
            service.awaitRevoked(token, "a kill on A reaches a verifier polling B");
            assertEquals(200, service.call(other).status(), "other agents keep working");

            List<String> after = sameEtag(onA, onB, before.get(0));
            assertEquals(304, onA.http.get("/revocations", "If-None-Match", after.get(1)).status(), "A takes B's ETag");
            assertEquals(304, onB.http.get("/revocations", "If-None-Match", after.get(0)).status(), "B takes A's ETag");
            assertEquals(200, onB.http.get("/revocations", "If-None-Match", before.get(0)).status(), "an old ETag is refreshed");
            JsonNode listA = onA.revocations(), listB = onB.revocations();
            assertEquals(listA.get("version"), listB.get("version"));
            assertEquals(listA.get("subjects"), listB.get("subjects"));
            assertEquals(1, listB.get("subjects").size(), listB.toString());
        }
    }

    /** Waits until both instances serve one version (each re-reads the database within a second), other than {@code old}. */
    private static List<String> sameEtag(Admin onA, Admin onB, String old) {
        return Await.until(() -> List.of(Admin.ok(onA.http.get("/revocations")).header("ETag"),
                Admin.ok(onB.http.get("/revocations")).header("ETag")),
            tags -> tags.get(0).equals(tags.get(1)) && !tags.get(0).equals(old), "both instances serve one version");
    }
}
