package agentauth.client;

import agentauth.support.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * An issuer for verifier tests: a signing key, a clock the test moves, and a real HTTP server
 * publishing the key (JWKS and metadata). Closing it stops the server.
 */
final class TestIssuer implements AutoCloseable {
    final TestKey key = TestKey.generate("key-1");
    final MutableClock clock = new MutableClock(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
    final JwksServer jwks;

    TestIssuer() throws IOException {
        jwks = JwksServer.start(key);
    }

    String url() {
        return jwks.url();
    }

    long now() {
        return clock.instant().getEpochSecond();
    }

    /**
     * A verifier of this issuer's tokens for {@code audience}, on the test clock, with a
     * request timeout for a loaded CI machine rather than production's 5 s.
     */
    TokenVerifierBuilder verifier(String audience) {
        return TokenVerifier.forIssuer(jwks.url()).audience(audience).clock(clock).timeout(Duration.ofSeconds(30));
    }

    /** The claims of a token for {@code audience}, valid for 5 minutes from now. */
    Map<String, Object> claims(String audience) {
        return TestKey.claims(jwks.url(), audience, now());
    }

    String token(Map<String, Object> claims) {
        return key.sign(key.header(), claims);
    }

    @Override
    public void close() {
        jwks.close();
    }
}
