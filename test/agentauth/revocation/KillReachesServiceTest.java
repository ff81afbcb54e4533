package agentauth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import agentauth.support.Http;
import agentauth.support.JarProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill switch end to end (CONTRACT Round 2 B, issue 16): the real jar, and a real Javalin
 * service whose TokenVerifier polls {@code /revocations} (every 100 ms here). After each change
 * that must kill an agent's live access tokens, its unexpired token is refused by the service
 * (as REVOKED: by the list, not by expiry), /me refuses it at once, other agents keep working,
 * and the agent (re-enabled where it was disabled) gets a new token that works.
 */
class KillReachesServiceTest {
    @TempDir
    static Path dir;
    static JarProcess server;
    static Admin admin;
    static ProtectedService service;

    @BeforeAll
    static void start() {
        server = JarProcess.start(dir.resolve("agent-auth.db"));
        admin = new Admin(server.http());
        service = ProtectedService.of(server.url());
    }

    @AfterAll
    static void stop() {
        if (service != null) service.close();
        if (server != null) server.close();
    }

    /** An agent logged in once: its access token and its session's refresh token. */
    record Agent(String name, String access, String refresh) {}

    /** Each change that must kill the agent's tokens, and how the agent gets a working token afterwards. */
    enum Cause {
        KILL {
            void apply(Admin a, Agent x) {
                assertEquals(1, a.kill(x.name()).json().get("revoked").asInt(), "the login's session ended");
            }

            String recover(Admin a, Agent x) {
                return reEnabled(a, x);
            }
        },
        DISABLE {
            void apply(Admin a, Agent x) {
                a.patch(x.name(), Http.json("enabled", false));
            }

            String recover(Admin a, Agent x) {
                return reEnabled(a, x);
            }
        },
        NEW_SECRET {
            void apply(Admin a, Agent x) {
                a.patch(x.name(), Http.json("password", NEW_SECRET_VALUE));
            }

            String recover(Admin a, Agent x) {
                return a.login(x.name(), NEW_SECRET_VALUE).text("access_token");
            }
        },
        NARROWED_SCOPE {
            void apply(Admin a, Agent x) {
                a.patch(x.name(), Http.json("scopes", List.of("read")));
            }

            /** Contract B: the session lives on and refreshes into a token of the new generation, narrowed. */
            String recover(Admin a, Agent x) {
                Http.Response r = Admin.ok(a.refresh(x.refresh()));
                assertEquals("read", r.text("scope"));
                return r.text("access_token");
            }
        },
        ADMIN_REVOKE {
            void apply(Admin a, Agent x) {
                assertEquals(1, a.post("/admin/api/users/" + x.name() + "/revoke").json().get("revoked").asInt());
            }
        },
        REFRESH_REUSE {
            /** The login's refresh token, presented again after its rotation: reuse ends the session. */
            void apply(Admin a, Agent x) {
                Admin.ok(a.refresh(x.refresh()));
                assertEquals("invalid_grant", a.refresh(x.refresh()).error());
            }
        },
        KEY_REVOCATION {
            /** A leaked signing key: revoking the key that signs makes a fresh one sign at once. */
            void apply(Admin a, Agent x) {
                a.post("/admin/api/keys/" + kid(x.access()) + "/revoke");
            }

            String recover(Admin a, Agent x) {
                String fresh = a.accessToken(x.name());
                assertNotEquals(kid(x.access()), kid(fresh), "a new key signs");
                return fresh;
            }
        };

        abstract void apply(Admin a, Agent x);

        /** Re-enables the agent and returns a token of its next login. */
        static String reEnabled(Admin a, Agent x) {
            a.patch(x.name(), Http.json("enabled", true));
            return a.accessToken(x.name());
        }

        /** By default the agent logs in again. */
        String recover(Admin a, Agent x) {
            return a.accessToken(x.name());
        }
    }

    static final String NEW_SECRET_VALUE = "a-new-secret-for-the-agent";

    static String kid(String token) {
        return Admin.jwt(token, 0).get("kid").asText();
    }

    @ParameterizedTest
    @EnumSource(Cause.class)
    void the_agents_unexpired_token_is_refused_others_keep_working_and_its_new_token_works(Cause cause) {
        String name = "agent-" + cause.name().toLowerCase().replace('_', '-');
        String bystander = "bystander-" + cause.name().toLowerCase().replace('_', '-');
        admin.createAgent(name, "read", "write");
        admin.createAgent(bystander, "read");
        Http.Response login = admin.login(name, Admin.SECRET);
        Agent agent = new Agent(name, login.text("access_token"), login.text("refresh_token"));
        String other = admin.accessToken(bystander);
        assertEquals(200, service.call(agent.access()).status(), "accepted before");
        assertEquals(200, service.call(other).status());

        cause.apply(admin, agent);
        assertEquals(401, server.http().get("/me", "Authorization", Http.bearer(agent.access())).status(),
            "/me applies the same rule at once");
        service.awaitRevoked(agent.access(), cause + " reaches the service");

        if (cause == Cause.KEY_REVOCATION) {
            assertEquals("REVOKED", service.call(other).body(), "every token of a revoked key dies");
            other = admin.accessToken(bystander);
        }
        assertEquals(200, service.call(other).status(), "other agents keep working");

        String fresh = cause.recover(admin, agent);
        Http.Response works = service.call(fresh);
        assertEquals(200, works.status(), works.body());
        assertEquals("hello " + name, works.body());
        // (after a key revocation, the JWKS fetched for the new key no longer has the old one: UNKNOWN_KEY)
        assertEquals(401, service.call(agent.access()).status(), "the old token stays refused");
    }
}
