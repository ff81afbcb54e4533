package agentauth.client;

import agentauth.support.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Expiry, refresh, retries and single flight, against {@link ScriptedAuthServer} over real
 * HTTP; time moves by a test clock and waits are recorded instead of slept.
 */
class AgentAuthClientTest {
    private static final String SECRET = "s3cret-agent-passphrase";

    private final ScriptedAuthServer server = new ScriptedAuthServer();
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
    private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

    AgentAuthClientTest() throws Exception {
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AgentAuthClientBuilder client() {
        return AgentAuthClient.builder().server(server.url()).username("agent-1").secret(SECRET)
                .clock(clock).sleeper(sleeps::add);
    }

    /** Neither a secret nor any token the server issued appears in the text. */
    private void assertNoSecrets(String text) {
        assertFalse(text.contains(SECRET), text);
        synchronized (server) {
            for (String token : server.issuedTokens) {
                assertFalse(text.contains(token), text);
            }
        }
    }

    @Test
    void nothing_is_sent_until_a_token_is_asked_for_and_then_one_login() {
        AgentAuthClient auth = client().scopes("read").resource("https://api.example").build();
        assertEquals(0, server.requests.get());
        String token = auth.accessToken();
        assertEquals("Bearer " + token, auth.authorizationHeader());
        assertEquals(1, server.logins.get());
        String body = server.loginBodies.get(0);
        assertTrue(body.contains("\"username\":\"agent-1\"") && body.contains("\"scope\":\"read\"")
                && body.contains("\"resource\":\"https://api.example\"") && body.contains(SECRET), body);
    }

    @Test
    void the_token_is_reused_until_the_margin_then_refreshed_with_each_rotated_refresh_token() {
        AgentAuthClient auth = client().build();
        String first = auth.accessToken();
        clock.advance(Duration.ofSeconds(89)); // 100 s lifetime: margin min(30 s, 10 s) = 10 s
        assertEquals(first, auth.accessToken());
        clock.advance(Duration.ofSeconds(1));
        String second = auth.accessToken();
        assertNotEquals(first, second);
        clock.advance(Duration.ofSeconds(90));
        assertNotEquals(second, auth.accessToken());
        assertEquals(2, server.refreshes.get(), "the second refresh used the rotated token");
        assertEquals(1, server.logins.get());
    }

    @Test
    void an_explicit_minimum_validity_moves_the_refresh_earlier() {
        AgentAuthClient auth = client().minValidity(Duration.ofSeconds(40)).build();
        String first = auth.accessToken();
        clock.advance(Duration.ofSeconds(59));
        assertEquals(first, auth.accessToken());
        clock.advance(Duration.ofSeconds(1));
        assertNotEquals(first, auth.accessToken());
    }

    @Test
    void a_refused_refresh_token_makes_the_client_log_in_again() {
        AgentAuthClient auth = client().build();
        auth.accessToken();
        server.liveRefreshTokens.clear();
        clock.advance(Duration.ofSeconds(95));
        assertNotNull(auth.accessToken());
        assertEquals(2, server.logins.get());
        assertEquals(0, server.refreshes.get());
    }

    @Test
    void an_expired_refresh_token_is_not_even_tried() {
        server.refreshExpiresIn = 120;
        AgentAuthClient auth = client().build();
        auth.accessToken();
        clock.advance(Duration.ofSeconds(120));
        auth.accessToken();
        assertEquals(2, server.requests.get());
        assertEquals(2, server.logins.get());
    }

    @Test
    void retry_after_on_503_is_waited_out_then_the_login_succeeds() {
        server.queue(503, Map.of("Retry-After", "2"), "{\"error\":\"temporarily_unavailable\"}");
        server.queue(429, Map.of("Retry-After", "3"), "{\"error\":\"too_many_requests\"}");
        assertNotNull(client().build().accessToken());
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(3)), sleeps);
    }

    @Test
    void a_retry_after_longer_than_the_limit_fails_at_once_saying_when() {
        server.queue(429, Map.of("Retry-After", "60"), "{\"error\":\"too_many_requests\"}");
        ServerUnavailableException e = assertThrows(ServerUnavailableException.class,
                () -> client().build().accessToken());
        assertEquals(Duration.ofSeconds(60), e.retryAfter().orElseThrow());
        assertEquals("too_many_requests", e.error());
        assertEquals(List.of(), sleeps);
        assertEquals(1, server.requests.get());
    }

    @Test
    void server_errors_are_retried_a_bounded_number_of_times() {
        for (int i = 0; i < 5; i++) {
            server.queue(500, Map.of(), "{\"error\":\"server_error\"}");
        }
        assertThrows(ServerUnavailableException.class, () -> client().maxAttempts(3).build().accessToken());
        assertEquals(3, server.requests.get());
        assertEquals(2, sleeps.size());
    }

    @Test
    void network_errors_back_off_with_jitter_and_give_up_after_max_attempts() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort(); // nothing listens there once closed: connection refused
        }
        AgentAuthClient auth = client().server("http://127.0.0.1:" + port).maxAttempts(4).build();
        ServerUnavailableException e = assertThrows(ServerUnavailableException.class, auth::accessToken);
        assertNotNull(e.getCause());
        assertEquals(3, sleeps.size());
        long[][] bounds = {{100, 200}, {200, 400}, {400, 800}}; // equal jitter over 200 ms doubling
        for (int i = 0; i < 3; i++) {
            long ms = sleeps.get(i).toMillis();
            assertTrue(ms >= bounds[i][0] && ms <= bounds[i][1], "wait " + i + " was " + ms + " ms");
        }
        assertNoSecrets(e.toString());
    }

    @Test
    void bad_credentials_are_a_typed_error_without_the_secret() {
        server.queue(401, Map.of(), "{\"error\":\"invalid_client\",\"error_description\":\"wrong name or secret\"}");
        AgentAuthClient auth = client().build();
        BadCredentialsException e = assertThrows(BadCredentialsException.class, auth::accessToken);
        assertEquals("invalid_client", e.error());
        assertNoSecrets(e.toString());
        assertEquals(1, server.requests.get(), "a refused secret is not retried");
    }

    @Test
    void a_garbled_token_response_is_a_protocol_error_that_does_not_quote_it() {
        server.queue(200, Map.of(), "{\"access_token\":\"" + SECRET + "-token\",\"token_type\":");
        AuthProtocolException e = assertThrows(AuthProtocolException.class, () -> client().build().accessToken());
        assertNoSecrets(e.toString());
        assertEquals(200, e.status());
        server.queue(404, Map.of(), "not found");
        assertEquals(404, assertThrows(AuthProtocolException.class, () -> client().build().accessToken()).status());
    }

    @Test
    void concurrent_callers_share_one_login() throws Exception {
        server.loginGate = new CountDownLatch(1);
        // the held login must outlast awaitAllWaiting: at the default 10 s a slow start would time it out and retry
        AgentAuthClient auth = client().requestTimeout(Duration.ofSeconds(60)).build();
        List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            threads.add(new Thread(() -> tokens.add(auth.accessToken())));
        }
        threads.forEach(Thread::start);
        awaitAllWaiting(threads);
        server.loginGate.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, server.requests.get());
        assertEquals(16, tokens.size());
        assertEquals(1, tokens.stream().distinct().count());
    }

    /**
     * Returns once the login reached the server and every caller is parked waiting for a token;
     * fails after 60 s (a safety net for a loaded machine) rather than hang the run.
     */
    private void awaitAllWaiting(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (server.requests.get() == 0
                || !threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the callers did not all wait for the one login: " + server.requests.get()
                        + " requests, states " + threads.stream().map(Thread::getState).toList());
            }
            Thread.sleep(1);
        }
    }

    @Test
    void concurrent_callers_all_see_the_one_failure() throws Exception {
        server.queue(401, Map.of(), "{\"error\":\"invalid_client\"}");
        server.loginGate = new CountDownLatch(1);
        // the held login must outlast awaitAllWaiting: at the default 10 s a slow start would time it out and retry
        AgentAuthClient auth = client().requestTimeout(Duration.ofSeconds(60)).build();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(new Thread(() -> failures.add(assertThrows(BadCredentialsException.class, auth::accessToken))));
        }
        threads.forEach(Thread::start);
        awaitAllWaiting(threads);
        server.loginGate.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(8, failures.size());
        assertEquals(1, server.requests.get());
    }

    @Test
    void a_401_from_the_service_refreshes_once_and_retries_once() throws Exception {
        AgentAuthClient auth = client().build();
        server.rejectAtService = auth.accessToken();
        HttpResponse<String> response = auth.send(HttpRequest.newBuilder(URI.create(server.url() + "/service")),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("hello", response.body());
        assertEquals(1, server.refreshes.get());
        server.rejectAtService = null;
        auth.send(HttpRequest.newBuilder(URI.create(server.url() + "/service")), HttpResponse.BodyHandlers.ofString());
        assertEquals(1, server.refreshes.get(), "a working token is not refreshed");
    }

    @Test
    void close_logs_out_the_latest_family_and_the_client_is_unusable_after() {
        char[] secret = SECRET.toCharArray();
        AgentAuthClient auth = client().secret(secret).build();
        java.util.Arrays.fill(secret, '\0'); // the caller wipes its copy: the client kept its own
        auth.accessToken();
        clock.advance(Duration.ofSeconds(95));
        auth.accessToken();
        auth.close();
        auth.close();
        assertEquals(1, server.loggedOut.size());
        assertTrue(server.liveRefreshTokens.isEmpty(), "the live (rotated) refresh token was logged out");
        assertThrows(IllegalStateException.class, auth::accessToken);
    }

    @Test
    void to_string_masks_the_secret_and_tokens() {
        AgentAuthClientBuilder builder = client();
        assertNoSecrets(builder.toString());
        AgentAuthClient auth = builder.build();
        auth.accessToken();
        assertTrue(auth.toString().contains("agent-1"));
        assertNoSecrets(auth.toString());
    }

    @Test
    void bad_configuration_fails_fast_with_the_setting_named() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentAuthClient.builder().server(server.url()).username("a").build());
        assertEquals("secret is required", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AgentAuthClient.builder().server("file:///etc"));
        assertThrows(IllegalArgumentException.class, () -> client().scopes("has space").build());
    }
}
