package agentauth.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.ConfigException;
import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings instances on one database share (contract A): stored by the first, refused when different, changed for all. */
class SharedSettingsTest {
    static long expiresIn(TestServer server) {
        return new Http(server.url()).login("admin", TestServer.ADMIN_PASSWORD).json().get("expires_in").asLong();
    }

    @Test
    void an_instance_started_with_another_value_exits_with_one_line_naming_the_setting() {
        try (TestServer first = TestServer.startOn(Backend.POSTGRES, "--access-ttl", "10m")) {
            ConfigException e = assertThrows(ConfigException.class, () -> TestServer.startBeside(first, "--access-ttl", "5m"));
            assertTrue(e.getMessage().startsWith("--access-ttl is 5m here but 10m for the instances on this database"),
                e.getMessage());
            try (TestServer second = TestServer.startBeside(first)) {
                assertEquals(600, expiresIn(second), "an instance without the flag takes the database's value");
            }
        }
    }

    @Test
    void a_change_made_with_the_settings_command_reaches_every_instance_and_is_audited() throws Exception {
        try (TestServer a = TestServer.startOn(Backend.POSTGRES, "--access-ttl", "10m");
             TestServer b = TestServer.startBeside(a)) {
            Map<String, String> env = a.storage().env();
            JarProcess.Result set = JarProcess.run(List.of("settings", "set", "access-ttl", "3m", "--db", a.storage().db()), env);
            assertEquals(0, set.code(), set.output());
            for (TestServer s : List.of(a, b)) {
                long deadline = System.nanoTime() + 30_000_000_000L; // instances read the settings every 5 s
                while (expiresIn(s) != 180 && System.nanoTime() < deadline) Thread.sleep(100);
                assertEquals(180, expiresIn(s));
            }
            JarProcess.Result shown = JarProcess.run(List.of("settings", "--db", a.storage().db()), env);
            assertTrue(shown.output().contains("access-ttl                   3m"), shown.output());
            assertEquals("access-ttl = 3m", a.app().audit().list(1, null, null, "settings_changed").events().get(0).detail());
            JarProcess.Result bad = JarProcess.run(List.of("settings", "set", "access-ttl", "soon", "--db", a.storage().db()), env);
            assertEquals(2, bad.code(), bad.output());
            assertTrue(bad.output().contains("is not a duration"), bad.output());
        }
    }

    @Test
    void on_sqlite_a_flag_given_at_start_wins_and_a_restart_without_it_keeps_the_stored_value() {
        try (TestServer server = TestServer.start("--access-ttl", "10m")) {
            assertEquals(600, expiresIn(server));
            server.restartWith("--access-ttl", "4m");
            assertEquals(240, expiresIn(server), "one server: the operator's flag is the setting");
            server.restartWith();
            assertEquals(240, expiresIn(server), "without the flag, the stored value, not the default");
        }
    }

    @Test
    void every_shared_setting_is_a_server_flag() {
        List<String> unknown = new ArrayList<>();
        for (String name : SharedSettings.SETTINGS.keySet()) if (agentauth.Flags.defaultOf(name) == null && !name.equals("resource"))
            unknown.add(name);
        assertEquals(List.of(), unknown);
    }
}
