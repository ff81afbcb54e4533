package agentauth.client;

import agentauth.support.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.client.InvalidTokenException.Reason;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verifier against a JWKS served over real HTTP, with time moved by a test clock: key
 * fetching, caching and the clock skew. Hostile tokens are in the table both verifiers share
 * ({@code agentauth.security.HostileTokensTest}).
 */
class TokenVerifierTest {
    private static final String AUDIENCE = "https://api.example";

    private final TestKey key = TestKey.generate("key-1");
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
    private JwksServer jwks;
    private TokenVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        jwks = JwksServer.start(key);
        verifier = TokenVerifier.forIssuer(jwks.url()).audience(AUDIENCE).clock(clock).build();
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    private Map<String, Object> claims() {
        return TestKey.claims(jwks.url(), AUDIENCE, clock.instant().getEpochSecond());
    }

    private String token() {
        return key.sign(key.header(), claims());
    }

    /** Rejected for this reason, with a message that repeats no part of the token. */
    private void rejects(String token, Reason reason) {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertEquals(reason, e.reason(), e.getMessage());
        for (String part : token.split("\\.")) {
            assertFalse(!part.isEmpty() && e.getMessage().contains(part), "message repeats the token");
        }
        assertEquals("invalid_token", e.error());
    }

    @Test
    void a_valid_token_yields_its_claims_after_discovering_the_jwks_from_the_issuer() {
        Map<String, Object> c = claims();
        TokenClaims claims = verifier.verify(key.sign(key.header(), c));
        assertEquals("agent-1", claims.subject());
        assertEquals("agent-1", claims.clientId());
        assertEquals(Set.of("read", "write"), claims.scopes());
        assertEquals(List.of(AUDIENCE), claims.audience());
        assertEquals("family-1", claims.sid());
        assertEquals(c.get("jti"), claims.jti());
        assertEquals(clock.instant().getEpochSecond() + 300, claims.expiresAt().getEpochSecond());
        assertEquals(clock.instant().getEpochSecond(), claims.issuedAt().getEpochSecond());
        assertEquals(1, jwks.metadataFetches.get());
        assertEquals(1, jwks.jwksFetches.get());
    }

    @Test
    void require_scope_passes_granted_scopes_and_names_the_missing_one() {
        TokenClaims claims = verifier.verify(token());
        assertEquals(claims, claims.requireScope("read", "write"));
        InsufficientScopeException e = assertThrows(InsufficientScopeException.class,
                () -> claims.requireScope("read", "admin"));
        assertEquals("admin", e.scope());
        assertEquals("insufficient_scope", e.error());
    }

    @Test
    void an_authorization_header_needs_the_bearer_scheme_in_any_case() {
        String token = token();
        assertEquals("agent-1", verifier.verifyAuthorizationHeader("bearer " + token).subject());
        assertThrows(InvalidTokenException.class, () -> verifier.verifyAuthorizationHeader("Basic " + token));
        assertThrows(InvalidTokenException.class, () -> verifier.verifyAuthorizationHeader(null));
    }

    @Test
    void a_jwks_url_works_without_discovery() {
        TokenVerifier direct = TokenVerifier.forJwks(jwks.jwksUrl()).issuer(jwks.url()).audience(AUDIENCE)
                .clock(clock).build();
        assertEquals("agent-1", direct.verify(token()).subject());
        assertEquals(0, jwks.metadataFetches.get());
    }

    @Test
    void an_audience_list_containing_ours_is_accepted() {
        Map<String, Object> c = claims();
        c.put("aud", List.of("https://other.example", AUDIENCE));
        assertEquals(List.of("https://other.example", AUDIENCE), verifier.verify(key.sign(key.header(), c)).audience());
    }

    @Test
    void expiry_is_judged_with_the_clock_skew() {
        Map<String, Object> c = claims();
        c.put("exp", clock.instant().getEpochSecond() - 29);
        assertEquals("agent-1", verifier.verify(key.sign(key.header(), c)).subject());
        c.put("exp", clock.instant().getEpochSecond() - 30);
        rejects(key.sign(key.header(), c), Reason.EXPIRED);
    }

    @Test
    void a_remembered_token_is_still_rejected_once_it_expires() {
        String token = token();
        verifier.verify(token);
        clock.advance(Duration.ofSeconds(300 + 29));
        verifier.verify(token);
        clock.advance(Duration.ofSeconds(1));
        rejects(token, Reason.EXPIRED);
    }

    @Test
    void a_token_issued_in_the_future_beyond_the_skew_is_rejected() {
        Map<String, Object> c = claims();
        c.put("iat", clock.instant().getEpochSecond() + 31);
        rejects(key.sign(key.header(), c), Reason.NOT_YET_VALID);
        c.put("iat", clock.instant().getEpochSecond());
        c.put("nbf", clock.instant().getEpochSecond() + 31);
        rejects(key.sign(key.header(), c), Reason.NOT_YET_VALID);
    }

    @Test
    void an_unknown_kid_flood_fetches_the_jwks_at_most_once_per_interval() {
        verifier.verify(token());
        assertEquals(1, jwks.jwksFetches.get());
        TestKey forger = TestKey.generate("forger");
        for (int i = 0; i < 200; i++) {
            Map<String, Object> h = forger.header();
            h.put("kid", UUID.randomUUID().toString());
            rejects(forger.sign(h, claims()), Reason.UNKNOWN_KEY);
        }
        assertEquals(2, jwks.jwksFetches.get());
        clock.advance(Duration.ofSeconds(30));
        rejects(TestKey.generate("new").sign(TestKey.generate("new").header(), claims()), Reason.UNKNOWN_KEY);
        assertEquals(3, jwks.jwksFetches.get());
    }

    @Test
    void a_key_added_by_rotation_is_fetched_on_its_first_token() {
        verifier.verify(token());
        TestKey next = TestKey.generate("key-2");
        jwks.keys = List.of(key, next);
        assertEquals("agent-1", verifier.verify(next.sign(next.header(), claims())).subject());
        assertEquals("agent-1", verifier.verify(token()).subject());
        assertEquals(2, jwks.jwksFetches.get());
    }

    @Test
    void the_jwks_is_cached_for_max_age_then_refetched_and_dropped_keys_stop_verifying() {
        String token = token();
        verifier.verify(token);
        jwks.keys = List.of(TestKey.generate("key-2"));
        clock.advance(Duration.ofSeconds(299));
        verifier.verify(token);
        verifier.verify(token());
        assertEquals(1, jwks.jwksFetches.get());
        clock.advance(Duration.ofSeconds(1));
        rejects(token, Reason.UNKNOWN_KEY);
        assertTrue(jwks.jwksFetches.get() >= 2);
    }

    @Test
    void known_keys_stay_in_use_when_the_issuer_is_down_at_refetch() {
        verifier.verify(token());
        jwks.jwksStatus = 503;
        clock.advance(Duration.ofSeconds(301));
        assertEquals("agent-1", verifier.verify(token()).subject());
        assertEquals(2, jwks.jwksFetches.get());
        assertEquals("agent-1", verifier.verify(token()).subject());
        assertEquals(2, jwks.jwksFetches.get(), "a failed refetch is not retried on every request");
    }

    @Test
    void an_unknown_kid_while_the_issuer_is_down_is_an_invalid_token_not_an_outage() {
        verifier.verify(token());
        jwks.close(); // the issuer is down: its port refuses connections
        TestKey forger = TestKey.generate("not-published");
        rejects(forger.sign(forger.header(), claims()), Reason.UNKNOWN_KEY);
        rejects(forger.sign(forger.header(), claims()), Reason.UNKNOWN_KEY);
        clock.advance(Duration.ofSeconds(301)); // max-age passed too: the known keys stay in use
        assertEquals("agent-1", verifier.verify(token()).subject());
        rejects(forger.sign(forger.header(), claims()), Reason.UNKNOWN_KEY);
        clock.advance(Duration.ofSeconds(31)); // a new refetch is due, and fails again
        rejects(forger.sign(forger.header(), claims()), Reason.UNKNOWN_KEY);
    }

    @Test
    void without_any_keys_an_unreachable_issuer_is_reported_as_unavailable() {
        jwks.jwksStatus = 503;
        ServerUnavailableException e = assertThrows(ServerUnavailableException.class, () -> verifier.verify(token()));
        assertNull(e.retryAfter().orElse(null));
    }

    @Test
    void a_builder_without_audience_or_issuer_fails_fast() {
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.forIssuer(jwks.url()).build());
        assertThrows(IllegalArgumentException.class,
                () -> TokenVerifier.forJwks(jwks.jwksUrl()).audience(AUDIENCE).build());
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.forIssuer("ftp://x").audience(AUDIENCE));
    }
}
