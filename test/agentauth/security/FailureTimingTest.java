package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13 item 4: after the Argon2 parameters change, a wrong secret for an existing user and
 * any secret for an unknown name still take the same time. Medians of interleaved samples, with
 * a tolerance wide enough for a loaded machine (2x): the flaw made one side ten times faster or more.
 * On both databases: a user's row is found in PostgreSQL by another round trip than in SQLite.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class FailureTimingTest {
    @Parameter
    Backend backend;

    static final String[] NO_THROTTLE = {"--throttle-failures", "100000", "--throttle-name-failures", "100000",
        "--throttle-address-failures", "100000", "--throttle-address-names", "1000"};
    static final String[] WEAK = {"--argon2-memory", "1024", "--argon2-iterations", "1"};
    static final String[] STRONG = {"--argon2-memory", "16384", "--argon2-iterations", "3"};
    static final int SAMPLES = 21;

    @Test
    void a_weaker_stored_hash_fails_as_slowly_as_an_unknown_name_under_stronger_settings() {
        assertFailuresCostTheSame(WEAK, STRONG);
    }

    @Test
    void an_unknown_name_fails_as_slowly_as_a_stronger_stored_hash_under_weaker_settings() {
        assertFailuresCostTheSame(STRONG, WEAK);
    }

    /** A user hashed with {@code madeWith}, then a server restarted with {@code servedWith}. */
    void assertFailuresCostTheSame(String[] madeWith, String[] servedWith) {
        try (TestServer server = TestServer.startOn(backend, flags(madeWith))) {
            server.createUser("agent", "agent-secret-12345", "read");
            server.restartWith(flags(servedWith));
            long[] medians = medians(new Http(server.url()), "agent", "no-such-agent");
            assertTrue(Math.min(medians[0], medians[1]) >= Math.max(medians[0], medians[1]) / 2, "median failure for the "
                + "user hashed with " + String.join(" ", madeWith) + ": " + medians[0] + " µs, for an unknown name: "
                + medians[1] + " µs");
        }
    }

    static String[] flags(String[] argon2) {
        List<String> all = new ArrayList<>(List.of(NO_THROTTLE));
        all.addAll(List.of(argon2));
        return all.toArray(String[]::new);
    }

    /** Median microseconds of a failed login for {@code existing} and for {@code unknown}, interleaved. */
    static long[] medians(Http http, String existing, String unknown) {
        List<Long> known = new ArrayList<>(), ghost = new ArrayList<>();
        time(http, existing); // warm both paths (connection, JIT) before counting
        time(http, unknown);
        for (int i = 0; i < SAMPLES; i++) {
            known.add(time(http, existing));
            ghost.add(time(http, unknown));
        }
        Collections.sort(known);
        Collections.sort(ghost);
        return new long[] {known.get(SAMPLES / 2), ghost.get(SAMPLES / 2)};
    }

    static long time(Http http, String name) {
        long t0 = System.nanoTime();
        Http.Response r = http.login(name, "not-the-secret-123");
        long micros = (System.nanoTime() - t0) / 1000;
        assertEquals(401, r.status(), r.body());
        return micros;
    }
}
