package agentauth.http;

import static agentauth.support.TestServer.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.MutableClock;
import agentauth.support.TestServer;
import agentauth.user.Users;
import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class MeTest {
    static final MutableClock clock = new MutableClock();
    static final Users.Actor ACTOR = new Users.Actor("test", null);
    @AutoClose
    static final TestServer server = TestServer.startWith(clock);
    static final Http http = new Http(server.url());

    static String tokenFor(String name) {
        server.createUser(name, secret(name), "read");
        return http.login(name, secret(name)).text("access_token");
    }

    static Http.Response me(String token) {
        return http.get("/me", "Authorization", Http.bearer(token));
    }

    static void assertRefused(Http.Response r) {
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_token", r.error());
        assertEquals("Bearer error=\"invalid_token\"", r.header("WWW-Authenticate"));
    }

    @Test
    void a_good_token_returns_its_claims() {
        Http.Response r = me(tokenFor("me-good"));
        assertEquals(200, r.status());
        assertEquals("me-good", r.text("sub"));
        assertEquals("read", r.text("scope"));
        assertEquals(server.url(), r.text("iss"));
    }

    /** RFC 6750 §3.1: a request without credentials (or with another scheme) gets a challenge without an error code. */
    @Test
    void no_token_is_refused_with_a_bare_bearer_challenge() {
        for (Http.Response r : new Http.Response[] {http.get("/me"), http.get("/me", "Authorization", "Basic YTpi")}) {
            assertEquals(401, r.status(), r.body());
            assertEquals("invalid_token", r.error());
            assertEquals("Bearer", r.header("WWW-Authenticate"));
        }
        assertRefused(http.get("/me", "Authorization", "Bearer "));
    }

    @Test
    void an_expired_token_is_refused() {
        String token = tokenFor("me-expired");
        clock.advance(Duration.ofMinutes(15));
        try {
            assertRefused(me(token));
        } finally {
            clock.advance(Duration.ofMinutes(-15));
        }
    }

    @Test
    void a_tampered_token_is_refused() {
        String[] parts = tokenFor("me-tampered").split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"read\"", "\"admin\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertRefused(me(forged));
    }

    @Test
    void alg_none_is_refused() {
        String[] parts = tokenFor("me-none").split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
            "{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(me(header + "." + parts[1] + "."));
    }

    @Test
    void hs256_signed_with_the_public_key_is_refused() {
        String token = tokenFor("me-hs256");
        var decoded = JWT.decode(token);
        byte[] publicKey = server.app().signingKeys().current().publicKey().getEncoded();
        String jwks = new String(server.app().keyRotation().jwks().bytes(), StandardCharsets.UTF_8);
        for (byte[] secret : List.of(publicKey, jwks.getBytes(StandardCharsets.UTF_8))) {
            String forged = JWT.create().withHeader(java.util.Map.of("typ", "at+jwt")).withKeyId(decoded.getKeyId())
                .withIssuer(decoded.getIssuer()).withSubject(decoded.getSubject()).withAudience(server.url())
                .withIssuedAt(decoded.getIssuedAtAsInstant()).withExpiresAt(decoded.getExpiresAtAsInstant())
                .withClaim("scope", "read").sign(Algorithm.HMAC256(secret));
            assertRefused(me(forged));
        }
    }

    @Test
    void a_disabled_users_token_is_refused_at_once() {
        String token = tokenFor("me-disabled");
        server.app().users().update("me-disabled", new Users.Patch(null, null, false), ACTOR, false);
        assertRefused(me(token));
    }

    @Test
    void a_deleted_and_recreated_users_old_token_is_refused() {
        String token = tokenFor("me-recreated");
        server.app().users().delete("me-recreated", ACTOR, false);
        clock.advance(Duration.ofSeconds(2));
        server.createUser("me-recreated", secret("me-recreated"), "read");
        assertRefused(me(token));
    }

    @Test
    void a_token_from_before_a_password_change_is_refused() {
        String token = tokenFor("me-passwd");
        clock.advance(Duration.ofSeconds(2));
        server.app().users().update("me-passwd", new Users.Patch("a-brand-new-secret", null, null), ACTOR, false);
        assertRefused(me(token));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, me(http.login("me-passwd", "a-brand-new-secret").text("access_token")).status());
    }

    @Test
    void a_token_of_a_logged_out_family_is_refused() {
        server.createUser("me-logout", secret("me-logout"), "read");
        Http.Response login = http.login("me-logout", secret("me-logout"));
        assertEquals(204, http.postJson("/logout", Http.json("refresh_token", login.text("refresh_token"))).status());
        assertRefused(me(login.text("access_token")));
    }

    @Test
    void a_token_for_another_audience_is_refused() {
        try (TestServer other = TestServer.start("--resource", "https://api.example.test")) {
            other.createUser("aud", "aud-secret-12345", "read");
            Http h = new Http(other.url());
            String token = h.postJson("/login", Http.json("username", "aud", "password", "aud-secret-12345",
                "resource", "https://api.example.test")).text("access_token");
            Http.Response r = h.get("/me", "Authorization", Http.bearer(token));
            assertEquals(401, r.status());
            assertTrue(r.text("error_description").contains("audience"));
        }
    }
}
