package agentauth.store;

import static agentauth.store.StoreFixture.T0;
import static agentauth.store.StoreFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.support.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The shared settings on both databases: a put inserts or replaces, a get reads exactly what was put. */
@ParameterizedClass
@EnumSource(Backend.class)
class SettingsStoreTest extends OnBothDatabases {
    private SettingsStore settings;

    @BeforeEach
    void open() {
        settings = new SettingsStore(f.db);
    }

    private void put(String name, String value, Instant now) {
        f.db.write(c -> { settings.put(c, name, value, now); return null; });
    }

    private Optional<String> get(String name) {
        return f.db.read(c -> settings.get(c, name));
    }

    @Test
    void a_setting_never_put_is_absent() {
        assertEquals(Optional.empty(), get("access_ttl"));
        assertEquals(Map.of(), settings.all());
    }

    @Test
    void a_put_inserts_then_replaces_the_value_and_its_time() {
        put("access_ttl", "PT5M", T0);
        assertEquals(Optional.of("PT5M"), get("access_ttl"));
        assertEquals(Long.toString(T0.toEpochMilli()), f.one("SELECT updated_at FROM settings WHERE name = 'access_ttl'"));
        put("access_ttl", "PT15M", at(60_001));
        assertEquals(Optional.of("PT15M"), get("access_ttl"));
        assertEquals(at(60_001).toEpochMilli() + " 1", f.one("SELECT updated_at || ' ' || COUNT(*) FROM settings GROUP BY updated_at"));
    }

    @Test
    void values_come_back_exactly_and_all_lists_them_by_name() {
        String sealed = "v1.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=.k\u00e9y \u2603";
        put("master_key_check", sealed, T0);
        put("b_empty", "", T0);
        put("a_first", "1", T0);
        assertEquals(Optional.of(sealed), get("master_key_check"));
        assertEquals(Optional.of(""), get("b_empty"));
        assertEquals(List.of("a_first", "b_empty", "master_key_check"), List.copyOf(settings.all().keySet()));
        assertEquals(Map.of("a_first", "1", "b_empty", "", "master_key_check", sealed), settings.all());
        assertEquals(Optional.empty(), get("MASTER_KEY_CHECK"), "names are exact");
    }
}
