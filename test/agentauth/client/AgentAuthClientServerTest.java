package agentauth.client;

import agentauth.support.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.client.InvalidTokenException.Reason;
import agentauth.support.TestServer;
import agentauth.user.Users;
import io.javalin.Javalin;
import java.time.Instant;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client and the verifier against a real agent-auth server on loopback, and a small
 * protected service (Javalin + TokenVerifier) built here the way a user would build one.
 */
class AgentAuthClientServerTest {
    private static final String SECRET = "agent-secret-of-many-chars";
    /** Of each HTTP request: generous for a loaded CI machine, not production's 5 s and 10 s. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<AutoCloseable> running = new ArrayList<>();
    private final CountingHttpClient http = new CountingHttpClient();
    private final MutableClock clientClock = new MutableClock(Instant.ofEpochSecond(Instant.now().getEpochSecond()));

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    private TestServer server(String... flags) {
        TestServer s = TestServer.start(flags);
        running.add(s);
        s.createUser("agent-1", SECRET, "read", "write");
        return s;
    }

    private AgentAuthClient client(TestServer s) {
        AgentAuthClient c = builder(s).build();
        running.add(c);
        return c;
    }

    private AgentAuthClientBuilder builder(TestServer s) {
        return AgentAuthClient.builder().server(s.url()).username("agent-1").secret(SECRET)
                .httpClient(http).requestTimeout(TIMEOUT);
    }

    /** A service whose GET /data needs a token for {@code audience} with scope read. */
    private String service(TokenVerifier verifier) {
        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.routes.get("/data", ctx -> ctx.result("hello " + verifier
                    .verifyAuthorizationHeader(ctx.header("Authorization")).requireScope("read").subject()));
            c.routes.exception(InvalidTokenException.class, (e, ctx) -> ctx.status(401)
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\"").result(e.getMessage()));
            c.routes.exception(InsufficientScopeException.class, (e, ctx) -> ctx.status(403).result(e.getMessage()));
            c.routes.exception(AgentAuthException.class, (e, ctx) -> ctx.status(503).result(e.getMessage()));
        }).start("127.0.0.1", 0);
        running.add(app::stop);
        return "http://127.0.0.1:" + app.port() + "/data";
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT);
    }

    @Test
    void sixteen_threads_calling_a_service_through_three_refreshes_see_no_failure_and_share_each_refresh()
            throws Exception {
        TestServer s = server("--access-ttl", "2s"); // expires_in floored to whole seconds: 1 or 2
        String data = service(TokenVerifier.forIssuer(s.url()).audience(s.url()).timeout(TIMEOUT).build());
        AgentAuthClient agent = client(s);
        AtomicInteger calls = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        // The run ends on a state, the third refresh sent, however long a starved machine takes
        // to get there; the deadline only stops a client that never refreshes.
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            threads.add(new Thread(() -> {
                do {
                    try {
                        HttpResponse<String> r = agent.send(get(data), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200 || !r.body().equals("hello agent-1")) {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                        calls.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                } while (http.count("/refresh") < 3 && failures.isEmpty() && System.nanoTime() < deadline);
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), List.copyOf(failures));
        assertTrue(calls.get() >= 16, "every thread was answered: " + calls.get() + " calls");
        assertEquals(1, http.count("/login"));
        int refreshes = http.count("/refresh");
        assertTrue(refreshes >= 3, "refreshes: " + refreshes + " for " + calls.get() + " calls");
        // Shared: the threads that find the token due wait for one refresh rather than each
        // sending its own (a count per second of that would depend on the machine's speed).
        assertEquals(1, http.peak("/refresh"), "refreshes in flight at once, of " + refreshes);
        assertEquals(1, http.peak("/login"), "logins in flight at once");
    }

    @Test
    void revoked_family_makes_the_client_log_in_again() {
        TestServer s = server();
        AgentAuthClient agent = builder(s).clock(clientClock).build();
        running.add(agent);
        String first = agent.accessToken();
        s.app().users().revokeSessions("agent-1", new Users.Actor("test", null));
        clientClock.advance(Duration.ofMinutes(14).plusSeconds(31)); // 15 min token: refresh is due
        String second = agent.accessToken();
        assertNotEquals(first, second);
        assertEquals(1, http.count("/refresh"));
        assertEquals(2, http.count("/login"));
    }

    @Test
    void a_service_that_refuses_a_revoked_token_gets_one_retry_with_a_fresh_login() throws Exception {
        TestServer s = server();
        AgentAuthClient agent = client(s);
        assertEquals(200, agent.send(get(s.url() + "/me"), HttpResponse.BodyHandlers.ofString()).statusCode());
        s.app().users().revokeSessions("agent-1", new Users.Actor("test", null));
        // /me checks the family is live: 401, then the client refreshes (refused) and logs in
        HttpResponse<String> r = agent.send(get(s.url() + "/me"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(3, http.count("/me"));
        assertEquals(2, http.count("/login"));
    }

    @Test
    void a_key_rotation_on_the_server_does_not_break_verification() {
        TestServer s = server();
        TokenVerifier verifier = TokenVerifier.forIssuer(s.url()).audience(s.url()).timeout(TIMEOUT).build();
        String before = client(s).accessToken();
        assertEquals("agent-1", verifier.verify(before).subject());
        s.app().keyRotation().rotate(true, "test", null).kid();
        String after = builder(s).build().accessToken();
        assertEquals("agent-1", verifier.verify(after).subject());
        assertEquals("agent-1", verifier.verify(before).subject(), "the old key stays published");
    }

    @Test
    void a_token_for_a_resource_is_accepted_by_that_resource_only() {
        TestServer s = server("--resource", "https://api.example");
        String token = builder(s).resource("https://api.example").scopes("read").build().accessToken();
        TokenClaims claims = TokenVerifier.forIssuer(s.url()).audience("https://api.example").timeout(TIMEOUT).build()
                .verify(token);
        assertEquals(List.of("https://api.example"), claims.audience());
        assertEquals(java.util.Set.of("read"), claims.scopes());
        InvalidTokenException e = assertThrows(InvalidTokenException.class,
                () -> TokenVerifier.forIssuer(s.url()).audience(s.url()).timeout(TIMEOUT).build().verify(token));
        assertEquals(Reason.WRONG_AUDIENCE, e.reason());
        e = assertThrows(InvalidTokenException.class, () -> TokenVerifier.forJwks(s.url() + "/.well-known/jwks.json")
                .issuer("https://elsewhere.example").audience("https://api.example").timeout(TIMEOUT).build()
                .verify(token));
        assertEquals(Reason.WRONG_ISSUER, e.reason());
    }

    @Test
    void a_wrong_secret_is_bad_credentials_and_nothing_shows_a_secret_or_token() {
        TestServer s = server();
        AgentAuthClient wrong = builder(s).secret(SECRET + "-wrong").build();
        BadCredentialsException e = assertThrows(BadCredentialsException.class, wrong::accessToken);
        assertEquals("invalid_client", e.error());
        assertFalse(e.toString().contains(SECRET));
        assertFalse(wrong.toString().contains(SECRET));

        AgentAuthClient agent = client(s);
        String token = agent.accessToken();
        assertFalse(agent.toString().contains(SECRET) || agent.toString().contains(token), agent.toString());
        InvalidTokenException rejected = assertThrows(InvalidTokenException.class,
                () -> TokenVerifier.forIssuer(s.url()).audience("https://other.example").timeout(TIMEOUT).build()
                        .verify(token));
        for (String part : token.split("\\.")) {
            assertFalse(rejected.getMessage().contains(part));
        }
    }

    @Test
    void close_ends_the_family_on_the_server() throws Exception {
        TestServer s = server();
        AgentAuthClient agent = client(s);
        agent.accessToken();
        assertEquals(1, liveFamilies(s));
        agent.close();
        assertEquals(0, liveFamilies(s));
        assertEquals(1, http.count("/logout"));
    }

    static int liveFamilies(TestServer s) {
        long id = s.app().users().get("agent-1").id();
        var db = s.app().database();
        return db.read(c -> new agentauth.store.SessionStore(db)
                .liveFamiliesBeyond(c, id, java.time.Instant.now(), 0).size());
    }
}
