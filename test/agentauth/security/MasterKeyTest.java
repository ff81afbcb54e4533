package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.App;
import agentauth.Config;
import agentauth.ConfigException;
import agentauth.Logging;
import agentauth.crypto.MasterKey;
import agentauth.store.AuditLog;
import agentauth.support.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing keys at rest: sealed under the master key; a wrong or missing key stops the server. */
class MasterKeyTest {
    static { Logging.configure(); }

    static final String ENV_KEY = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    static final String OTHER_KEY = Base64.getUrlEncoder().withoutPadding().encodeToString("x".repeat(32).getBytes(StandardCharsets.US_ASCII));

    @TempDir Path dir;
    Path db;
    final List<App> running = new ArrayList<>();

    @BeforeEach
    void paths() {
        db = dir.resolve("agent-auth.db");
    }

    @AfterEach
    void stop() {
        running.forEach(App::close);
    }

    App start(Map<String, String> env, String... flags) {
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--db", db.toString(),
            "--argon2-memory", "1024"));
        all.addAll(List.of(flags));
        Map<String, String> withAdmin = new java.util.HashMap<>(env);
        withAdmin.put("AGENT_AUTH_ADMIN_PASSWORD", "admin-password-for-tests");
        App app = App.start(Config.parse(all, withAdmin), withAdmin, Clock.systemUTC());
        running.add(app);
        return app;
    }

    void stopAll() {
        running.forEach(App::close);
        running.clear();
    }

    @Test
    void first_start_creates_an_owner_only_key_file_of_32_bytes() throws Exception {
        start(Map.of());
        Path file = MasterKey.fileFor(db);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Base64.getUrlDecoder().decode(Files.readString(file).trim()).length);
    }

    @Test
    void a_missing_key_file_stops_the_start_and_names_the_variable_and_the_file() throws Exception {
        start(Map.of());
        stopAll();
        Files.delete(MasterKey.fileFor(db));
        ConfigException e = assertThrows(ConfigException.class, () -> start(Map.of()));
        assertTrue(e.getMessage().contains("AGENT_AUTH_MASTER_KEY"), e.getMessage());
        assertTrue(e.getMessage().contains(MasterKey.fileFor(db).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("--reset-signing-keys"), e.getMessage());
        assertFalse(Files.exists(MasterKey.fileFor(db)), "no new key is minted silently");
    }

    @Test
    void a_wrong_master_key_in_the_environment_stops_the_start() {
        start(Map.of(MasterKey.ENV, ENV_KEY));
        stopAll();
        ConfigException e = assertThrows(ConfigException.class, () -> start(Map.of(MasterKey.ENV, OTHER_KEY)));
        assertTrue(e.getMessage().startsWith("master key does not match database") && e.getMessage().contains("AGENT_AUTH_MASTER_KEY"),
            e.getMessage());
        assertFalse(e.getMessage().contains(OTHER_KEY), "the key itself is never shown");
        assertFalse(Files.exists(MasterKey.fileFor(db)), "with the variable set, no key file is written");
    }

    @Test
    void a_malformed_master_key_is_refused_with_the_reason() {
        ConfigException e = assertThrows(ConfigException.class, () -> start(Map.of(MasterKey.ENV, "c2hvcnQ")));
        assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> start(Map.of(MasterKey.ENV, "not base64 !!")));
        assertTrue(e.getMessage().contains("base64url"), e.getMessage());
    }

    @Test
    void reset_signing_keys_replaces_unreadable_keys_audits_it_and_old_tokens_die() throws Exception {
        App first = start(Map.of(MasterKey.ENV, ENV_KEY));
        String oldKid = first.signingKeys().current().kid();
        String token = new Http(first.issuer()).login("admin", "admin-password-for-tests").text("access_token");
        stopAll();
        App second = start(Map.of(MasterKey.ENV, OTHER_KEY), "--reset-signing-keys");
        assertNotEquals(oldKid, second.signingKeys().current().kid());
        List<AuditLog.Event> revoked = second.audit().list(10, null, null, "key_revoked").events();
        assertEquals(1, revoked.size());
        assertTrue(revoked.get(0).detail().contains("--reset-signing-keys"));
        Http.Response me = new Http(second.issuer()).get("/me", "Authorization", Http.bearer(token));
        assertEquals(401, me.status());
    }

    @Test
    void the_database_holds_no_private_key_and_no_refresh_token_in_clear() throws Exception {
        App app = start(Map.of(MasterKey.ENV, ENV_KEY));
        Http.Response login = new Http(app.issuer()).login("admin", "admin-password-for-tests");
        String refresh = login.text("refresh_token");
        String kid = app.signingKeys().current().kid();
        stopAll(); // checkpoints the WAL into the one file
        byte[] file = Files.readAllBytes(db);
        assertFalse(new String(file, StandardCharsets.ISO_8859_1).contains(refresh));
        byte[] sealed;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet r = c.createStatement().executeQuery("SELECT private_key FROM signing_keys WHERE kid = '" + kid + "'")) {
            assertTrue(r.next());
            sealed = r.getBytes(1);
        }
        assertThrows(Exception.class, () -> KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(sealed)));
        byte[] pkcs8 = MasterKey.load(Map.of(MasterKey.ENV, ENV_KEY), db, false).decrypt(sealed, kid.getBytes(StandardCharsets.UTF_8));
        assertEquals("EC", KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)).getAlgorithm());
        assertThrows(Exception.class, () -> MasterKey.load(Map.of(MasterKey.ENV, ENV_KEY), db, false)
            .decrypt(sealed, "another-kid".getBytes(StandardCharsets.UTF_8)), "the kid is bound as associated data");
    }

    @Test
    void a_database_copied_without_its_key_file_does_not_start() throws Exception {
        start(Map.of());
        stopAll();
        Path elsewhere = Files.createDirectory(dir.resolve("copy"));
        Files.copy(db, elsewhere.resolve("agent-auth.db"));
        db = elsewhere.resolve("agent-auth.db");
        assertThrows(ConfigException.class, () -> start(Map.of()));
    }
}
