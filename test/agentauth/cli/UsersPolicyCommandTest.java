package agentauth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code users add|update|show|list} with an agent's policy (CONTRACT Round 2 C), run as the jar beside a running server. */
class UsersPolicyCommandTest {
    static final String API = "https://api.example.test";
    static final Map<String, String> SECRET = Map.of("AGENT_AUTH_PASSWORD", "cli-policy-secret-01");
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start("--resource", API);
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Cli.Result users(String... args) {
        List<String> all = new ArrayList<>(List.of("users"));
        all.addAll(List.of(args));
        all.addAll(List.of("--db", server.db().toString(), "--argon2-memory", "1024"));
        return Cli.run(SECRET, "", all.toArray(String[]::new));
    }

    static JsonNode viaApi(String name) {
        String token = http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
        Http.Response r = http.get("/admin/api/users/" + name, "Authorization", Http.bearer(token));
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void add_sets_every_field_the_server_applies_and_show_and_list_print_them() {
        Cli.Result added = users("add", "cli-agent", "--scope", "read", "--access-ttl", "5m", "--refresh-ttl", "7d",
            "--resource", API, "--expires-at", "30d", "--owner", "Ada <ada@example.test>", "--description", "from the CLI",
            "--quota-per-hour", "10", "--quota-per-day", "100", "--quota-enforce", "false");
        assertEquals(0, added.code(), added.toString());
        JsonNode u = viaApi("cli-agent");
        assertEquals(300, u.get("access_ttl").asLong());
        assertEquals(Duration.ofDays(7).toSeconds(), u.get("refresh_ttl").asLong());
        assertEquals("[\"" + API + "\"]", u.get("resources").toString());
        Instant expires = Instant.parse(u.get("expires_at").asText());
        assertTrue(Duration.between(Instant.now(), expires).toDays() == 29, "30 days from now: " + expires);
        assertEquals("Ada <ada@example.test>", u.get("owner").asText());
        assertEquals("from the CLI", u.get("description").asText());
        assertEquals("{\"per_hour\":10,\"per_day\":100,\"enforce\":false}", u.get("token_quota").toString());
        Http.Response login = http.postJson("/login", Http.json("username", "cli-agent", "password",
            SECRET.get("AGENT_AUTH_PASSWORD"), "resource", API));
        assertEquals(200, login.status(), login.body());
        assertEquals("300", login.text("expires_in"));

        Cli.Result show = users("show", "cli-agent");
        assertEquals(0, show.code(), show.toString());
        for (String line : List.of("owner:       Ada <ada@example.test>", "access ttl:  300s", "resources:   " + API,
                "token quota: 10/hour, 100/day, audited only", "expires at:  " + u.get("expires_at").asText()))
            assertTrue(show.out().contains(line), line + " in:\n" + show.out());
        assertTrue(show.out().lines().anyMatch(l -> l.matches("last used: +\\d{4}-.*Z")), show.out());
        Cli.Result list = users("list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("cli-agent ") && l.contains(u.get("expires_at").asText())
            && l.contains("Ada <ada@example.test>")), list.out());
    }

    @Test
    void update_changes_only_what_it_names_and_default_resets_a_field() {
        assertEquals(0, users("add", "cli-updated", "--owner", "ops", "--access-ttl", "120").code());
        Cli.Result updated = users("update", "cli-updated", "--access-ttl", "default", "--quota-per-day", "50");
        assertEquals(0, updated.code(), updated.toString());
        JsonNode u = viaApi("cli-updated");
        assertTrue(u.get("access_ttl").isNull(), u.toString());
        assertEquals("ops", u.get("owner").asText(), "not named: unchanged");
        assertEquals("{\"per_hour\":null,\"per_day\":50,\"enforce\":true}", u.get("token_quota").toString());
        assertEquals(0, users("update", "cli-updated", "--quota-per-day", "none").code());
        assertTrue(viaApi("cli-updated").get("token_quota").isNull());
    }

    @Test
    void a_bad_value_exits_1_with_one_line_naming_the_field_and_changes_nothing() {
        assertEquals(0, users("add", "cli-strict", "--owner", "ops").code());
        JsonNode before = viaApi("cli-strict");
        String[][] cases = {{"access_ttl", "--access-ttl", "30s"}, {"refresh_ttl", "--refresh-ttl", "91d"},
            {"resources", "--resource", "https://elsewhere.example.test"}, {"owner", "--owner", "o".repeat(257)}};
        for (String[] c : cases) {
            Cli.Result r = users("update", "cli-strict", c[1], c[2]);
            assertEquals(1, r.code(), r.toString());
            assertEquals(1, r.errLines().size(), r.toString());
            assertTrue(r.err().contains(c[0]), c[0] + ": " + r.err());
        }
        Cli.Result noOwner = users("add", "cli-ownerless", "--require-owner");
        assertEquals(1, noOwner.code(), noOwner.toString());
        assertTrue(noOwner.err().contains("owner"), noOwner.err());
        assertEquals(before, viaApi("cli-strict"));
        Cli.Result nothing = users("update", "cli-strict");
        assertEquals(2, nothing.code(), "an update that names no change: " + nothing);
    }
}
