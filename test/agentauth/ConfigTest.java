package agentauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one command-line parser, and the config it feeds: flags over environment over defaults. */
class ConfigTest {
    private static final List<Flags.Flag> USERS_LIKE = Flags.withServerFlags(
        Flags.Flag.option("scope", true), Flags.Flag.toggle("force"));

    @Test
    void a_subcommand_reads_its_own_flags_the_server_flags_and_its_words_in_one_pass() {
        Flags.Parsed p = Flags.parse(List.of("--scope=a", "bob", "--durable", "--scope", "b", "--db", "x.db", "--force=false"),
            USERS_LIKE);
        assertEquals("bob", p.word());
        assertEquals(List.of("a", "b"), p.all("scope"));
        assertFalse(p.on("force"));
        Config c = Config.from(p, Map.of());
        assertEquals(Path.of("x.db"), c.db());
        assertTrue(c.durable(), "a switch does not swallow the word after it");
    }

    @Test
    void the_parser_names_what_is_wrong() {
        String[][] cases = {
            {"--nope", "unknown flag --nope"}, {"--scope", "--scope needs a value"}, {"--db=a --db=b", "--db given twice"},
            {"--force=maybe", "--force takes no value"}, {"one two", "unexpected argument 'two'"}};
        for (String[] c : cases) {
            ConfigException e = assertThrows(ConfigException.class,
                () -> Flags.parse(List.of(c[0].split(" ")), USERS_LIKE).word(), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void the_server_takes_no_words() {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.parse(List.of("serve-me"), Map.of()));
        assertEquals("unexpected argument 'serve-me' (see --help)", e.getMessage());
    }

    @Test
    void flags_win_over_the_environment_and_the_environment_over_defaults() {
        Map<String, String> env = Map.of("AGENT_AUTH_ACCESS_TTL", "5m", "AGENT_AUTH_PORT", "9999", "AGENT_AUTH_RESOURCE", "https://api.example");
        Config fromEnv = Config.parse(List.of(), env);
        assertEquals(Duration.ofMinutes(5), fromEnv.accessTtl());
        assertEquals(9999, fromEnv.port());
        assertEquals(List.of("https://api.example"), fromEnv.resources());
        Config flagWins = Config.parse(List.of("--access-ttl", "500ms", "--port", "7000"), env);
        assertEquals(Duration.ofMillis(500), flagWins.accessTtl());
        assertEquals(7000, flagWins.port());
        assertEquals(Duration.ofDays(30), flagWins.refreshTtl(), "the default");
    }

    @Test
    void a_bad_value_names_the_variable_it_came_from_or_the_flag() {
        ConfigException fromEnv = assertThrows(ConfigException.class,
            () -> Config.parse(List.of(), Map.of("AGENT_AUTH_ACCESS_TTL", "soon")));
        assertEquals("AGENT_AUTH_ACCESS_TTL: 'soon' is not a duration like 500ms, 90s, 15m, 12h or 30d", fromEnv.getMessage());
        ConfigException fromFlag = assertThrows(ConfigException.class,
            () -> Config.parse(List.of("--access-ttl", "later"), Map.of("AGENT_AUTH_ACCESS_TTL", "soon")));
        assertTrue(fromFlag.getMessage().startsWith("--access-ttl: 'later'"), fromFlag.getMessage());
        String[][] cases = {{"AGENT_AUTH_PORT", "99999"}, {"AGENT_AUTH_ISSUER", "ftp://x"}, {"AGENT_AUTH_TRUSTED_PROXY", "nope"},
            {"AGENT_AUTH_DURABLE", "maybe"}, {"AGENT_AUTH_REFRESH_RETRY_WINDOW", "301s"}, {"AGENT_AUTH_RESOURCE", "http://x/#f"}};
        for (String[] c : cases) {
            ConfigException e = assertThrows(ConfigException.class, () -> Config.parse(List.of(), Map.of(c[0], c[1])), c[0]);
            assertTrue(e.getMessage().startsWith(c[0]), e.getMessage());
        }
    }
}
