package agentauth.revocation;

import agentauth.client.AgentAuthException;
import agentauth.client.InvalidTokenException;
import agentauth.client.TokenVerifier;
import agentauth.client.TokenVerifierBuilder;
import agentauth.support.Await;
import agentauth.support.Http;
import io.javalin.Javalin;
import java.time.Duration;

/**
 * A service as docs/examples/java/ServiceExample.java builds one: a real Javalin server on
 * 127.0.0.1 whose {@code GET /hello} takes only tokens its {@link TokenVerifier} accepts. A
 * refusal answers 401 with the verifier's reason as the body (so a test knows the revocation
 * list refused, not an expiry); a verifier that cannot judge (a stale list under FAIL_CLOSED)
 * answers 503 with the exception's class. Closing it stops the server and the verifier's poller.
 */
final class ProtectedService implements AutoCloseable {
    /** Short enough that a test waits on a state, not on the defaults' 5 s polls. */
    static final Duration POLL = Duration.ofMillis(100);

    final TokenVerifier verifier;
    private final Javalin app;
    private final Http http;

    ProtectedService(TokenVerifier verifier) {
        this.verifier = verifier;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get("/hello", ctx -> ctx.result("hello "
                + verifier.verifyAuthorizationHeader(ctx.header("Authorization")).subject()));
            config.routes.exception(InvalidTokenException.class, (e, ctx) -> ctx.status(401)
                .header("WWW-Authenticate", verifier.challenge(e)).result(e.reason().name()));
            config.routes.exception(AgentAuthException.class, (e, ctx) -> ctx.status(503)
                .header("Retry-After", "5").result(e.getClass().getSimpleName()));
        }).start("127.0.0.1", 0);
        this.http = new Http("http://127.0.0.1:" + app.port());
    }

    /** A verifier of tokens issued without a resource (audience = issuer), polling the list every {@link #POLL}. */
    static TokenVerifierBuilder verifierFor(String issuer) {
        return TokenVerifier.forIssuer(issuer).audience(issuer)
            .timeout(Duration.ofSeconds(30)) // of each fetch: generous for a loaded machine (and jar processes)
            .revocationPollInterval(POLL)
            .unknownKeyRefetchInterval(POLL); // a revoked key's successor is fetched at once
    }

    /** A service whose verifier is {@link #verifierFor} the issuer. */
    static ProtectedService of(String issuer) {
        return new ProtectedService(verifierFor(issuer).build());
    }

    /** {@code GET /hello} with this bearer token. */
    Http.Response call(String token) {
        return http.get("/hello", "Authorization", Http.bearer(token));
    }

    /** Calls until the token is refused with 401 REVOKED; returns that answer. */
    Http.Response awaitRevoked(String token, String what) {
        return Await.until(() -> call(token), r -> r.status() == 401 && r.body().equals("REVOKED"), what);
    }

    @Override
    public void close() {
        app.stop();
        verifier.close();
    }
}
