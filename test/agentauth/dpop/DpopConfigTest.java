package agentauth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.Config;
import agentauth.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DPoP flags: defaults, and bad values refused with one message naming the flag. */
class DpopConfigTest {
    @Test
    void defaults_are_optional_a_60_s_window_and_no_nonces() {
        Config.Dpop d = Config.defaults().dpop();
        assertEquals(Config.DpopMode.OPTIONAL, d.mode());
        assertEquals(Duration.ofSeconds(60), d.iatWindow());
        assertFalse(d.nonceRequired());
        Config.Dpop set = Config.parse(List.of("--dpop", "required", "--dpop-iat-window", "30s", "--dpop-nonce", "required"),
            Map.of()).dpop();
        assertEquals(new Config.Dpop(Config.DpopMode.REQUIRED, Duration.ofSeconds(30), true), set);
        assertEquals(Config.DpopMode.OFF, Config.parse(List.of(), Map.of("AGENT_AUTH_DPOP", "off")).dpop().mode());
    }

    @Test
    void bad_values_name_the_flag() {
        for (List<String> args : List.of(List.of("--dpop", "maybe"), List.of("--dpop-nonce", "sometimes"),
            List.of("--dpop-iat-window", "0s"), List.of("--dpop-iat-window", "11m"), List.of("--dpop-iat-window", "soon"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> Config.parse(args, Map.of()), args.toString());
            assertTrue(e.getMessage().contains(args.get(0)), e.getMessage());
        }
    }
}
