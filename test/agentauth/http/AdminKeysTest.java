package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.store.AuditLog;
import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import com.auth0.jwt.JWT;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** /admin/api/keys: listing, rotation that keeps old tokens verifying, and revocation of a leaked key. */
class AdminKeysTest {
    static List<String> jwksKids(Http http) {
        List<String> kids = new ArrayList<>();
        for (JsonNode k : http.get("/.well-known/jwks.json").json().get("keys")) kids.add(k.get("kid").asText());
        return kids;
    }

    static String kidOf(String token) {
        return JWT.decode(token).getKeyId();
    }

    static JsonNode key(AdminApi admin, String kid) {
        for (JsonNode k : admin.get("/admin/api/keys").json().get("keys")) if (k.get("kid").asText().equals(kid)) return k;
        throw new AssertionError("no key " + kid);
    }

    static int me(Http http, String token) {
        return http.get("/me", "Authorization", Http.bearer(token)).status();
    }

    /** An immediate rotation: the new key signs at once (the old one retires). */
    static String rotate(AdminApi admin) {
        Http.Response r = admin.post("/admin/api/keys/rotate", "{\"immediate\":true}");
        assertEquals(200, r.status(), r.body());
        return r.text("kid");
    }

    @Test
    void the_listing_shows_each_keys_fields() {
        try (TestServer server = TestServer.start()) {
            Http http = new Http(server.url());
            AdminApi admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
            JsonNode keys = admin.get("/admin/api/keys").json().get("keys");
            assertEquals(1, keys.size());
            JsonNode k = keys.get(0);
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) names.add(it.next());
            assertEquals(List.of("kid", "state", "signing", "created_at", "activates_at", "retires_at", "published_until",
                "revoked_at"), names);
            assertEquals(kidOf(admin.token), k.get("kid").asText());
            assertEquals(jwksKids(http), List.of(k.get("kid").asText()));
            assertTrue(k.get("created_at").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"));
            assertEquals("current", k.get("state").asText());
            assertTrue(k.get("signing").asBoolean());
            assertFalse(k.get("retires_at").isNull(), "rotation is on by default: the current key has an end");
            assertTrue(k.get("published_until").isNull(), "the signing key is published as long as it signs");
            assertTrue(k.get("revoked_at").isNull());
        }
    }

    @Test
    void a_rotation_pre_publishes_the_next_key_and_a_second_one_answers_the_same_key() {
        try (TestServer server = TestServer.start()) {
            Http http = new Http(server.url());
            AdminApi admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
            String current = kidOf(admin.token);
            Http.Response r = admin.post("/admin/api/keys/rotate");
            assertEquals(200, r.status(), r.body());
            String next = r.text("kid");
            assertNotEquals(current, next);
            assertTrue(Instant.parse(r.text("activates_at")).isAfter(Instant.now().plus(java.time.Duration.ofDays(6))),
                "a week ahead by default: " + r.body());
            assertEquals(next, admin.post("/admin/api/keys/rotate").text("kid"), "the existing next key, not another");
            assertEquals(List.of(next, current), jwksKids(http), "published before it signs");
            assertEquals("next", key(admin, next).get("state").asText());
            assertEquals(current, kidOf(AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD).token), "the current key signs on");
            assertTrue(server.app().audit().list(1, null, null, "key_published").events().get(0).detail().contains(next));
        }
    }

    @Test
    void after_rotation_new_tokens_carry_the_new_kid_and_old_tokens_keep_verifying() {
        try (TestServer server = TestServer.start()) {
            Http http = new Http(server.url());
            AdminApi admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
            server.createUser("rotated-agent", "rotated-agent-secret", "read");
            String before = http.login("rotated-agent", "rotated-agent-secret").text("access_token");
            String oldKid = kidOf(before);
            String newKid = rotate(admin);
            assertNotEquals(oldKid, newKid);
            assertTrue(jwksKids(http).containsAll(List.of(oldKid, newKid)), jwksKids(http).toString());
            assertEquals(200, me(http, before), "a token signed before rotation still verifies");
            assertEquals(200, admin.get("/admin/api/keys").status(), "so does the admin's own");
            String after = http.login("rotated-agent", "rotated-agent-secret").text("access_token");
            assertEquals(newKid, kidOf(after));
            assertEquals(200, me(http, after));
            assertTrue(key(admin, newKid).get("signing").asBoolean());
            JsonNode old = key(admin, oldKid);
            assertEquals("retiring", old.get("state").asText());
            assertFalse(old.get("published_until").isNull(), "a retired key is published until a known time");
            AuditLog.Event e = server.app().audit().list(10, null, null, "key_rotated").events().get(0);
            assertEquals("admin", e.actor());
            assertTrue(e.detail().contains(newKid), e.detail());
            assertEquals(1, server.app().audit().list(10, null, null, "key_retired").events().size());
        }
    }

    @Test
    void revoking_a_retired_key_drops_it_and_its_tokens_at_once_and_lists_it_as_revoked() {
        try (TestServer server = TestServer.start()) {
            Http http = new Http(server.url());
            AdminApi admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
            String leakedKid = kidOf(admin.token);
            rotate(admin);
            AdminApi fresh = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
            Http.Response r = fresh.post("/admin/api/keys/" + leakedKid + "/revoke");
            assertEquals(204, r.status(), r.body());
            assertFalse(jwksKids(http).contains(leakedKid));
            assertEquals(1, jwksKids(http).size());
            assertEquals(401, me(http, admin.token), "tokens of the revoked key fail at once");
            assertEquals(401, admin.get("/admin/api/keys").status());
            assertEquals(200, me(http, fresh.token));
            JsonNode k = key(fresh, leakedKid);
            assertFalse(k.get("revoked_at").isNull());
            assertEquals("revoked", k.get("state").asText());
            assertTrue(http.get("/revocations").body().contains(leakedKid), "offline verifiers learn of it");
            assertEquals(204, fresh.post("/admin/api/keys/" + leakedKid + "/revoke").status(), "again: nothing to do");
            AuditLog.Event e = server.app().audit().list(1, null, null, "key_revoked").events().get(0);
            assertEquals("admin", e.actor());
            assertTrue(e.detail().contains(leakedKid), e.detail());
        }
    }

    @Test
    void revoking_the_key_that_signs_makes_a_fresh_key_sign_at_once_never_the_pre_published_next_one() {
        try (TestServer server = TestServer.start()) {
            Http http = new Http(server.url());
            AdminApi admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
            String current = kidOf(admin.token);
            String next = admin.post("/admin/api/keys/rotate").text("kid");
            assertEquals(204, admin.post("/admin/api/keys/" + current + "/revoke").status());
            String signing = kidOf(AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD).token);
            assertNotEquals(current, signing);
            assertNotEquals(next, signing, "the next key lives in the same database as the leaked one");
            assertEquals(List.of(next, signing), jwksKids(http));
            assertTrue(http.get("/revocations").body().contains(current));
        }
    }

    @Test
    void unknown_keys_are_404() {
        try (TestServer server = TestServer.start()) {
            AdminApi admin = AdminApi.login(new Http(server.url()), "admin", TestServer.ADMIN_PASSWORD);
            for (String kid : List.of("no-such-kid", "not%20a%20kid", "x".repeat(65))) {
                Http.Response unknown = admin.post("/admin/api/keys/" + kid + "/revoke");
                assertEquals(404, unknown.status(), kid);
                assertEquals("not_found", unknown.error());
            }
        }
    }

    @Test
    void a_retired_key_is_published_until_its_last_tokens_expiry_plus_a_minute() {
        MutableClock clock = new MutableClock();
        try (TestServer server = TestServer.startWith(clock, "--access-ttl", "1m")) {
            Http http = new Http(server.url());
            AdminApi admin = AdminApi.login(http, "admin", TestServer.ADMIN_PASSWORD);
            String oldKid = kidOf(admin.token);
            Instant exp = JWT.decode(admin.token).getExpiresAtAsInstant();
            rotate(admin);
            // rotated in the process that signed: the exact last expiry, plus the minute of grace
            Instant until = exp.plusSeconds(60);
            assertEquals(AdminJson.time(until), key(admin, oldKid).get("published_until").asText());

            clock.advance(java.time.Duration.between(clock.instant(), exp.minusSeconds(1)));
            assertEquals(200, me(http, admin.token), "the old key's last token verifies to its end");
            clock.advance(java.time.Duration.between(clock.instant(), until.minusMillis(1)));
            assertTrue(jwksKids(http).contains(oldKid));
            clock.advance(java.time.Duration.ofMillis(1));
            assertFalse(jwksKids(http).contains(oldKid), "dropped out at the recorded time");
            assertEquals(1, jwksKids(http).size());
        }
    }
}
