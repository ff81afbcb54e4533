import agentauth.Config;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.SessionStore;
import agentauth.store.UserStore;
import agentauth.user.PasswordHasher;
import agentauth.user.Users;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Seeds benchmark agents into a server's database through the same Users service as the admin
 * API and the CLI: real validation, real audit events, and Argon2id at the parameters the server
 * flags name (so first-time logins later cost what they cost in production). Hashes run on every
 * core; SQLite's lock makes the writes safe beside the running server.
 *
 *   java -cp agent-auth.jar:build/bench/seed Seed AGENTS_FILE COUNT PREFIX SCOPES [server flags: --db F ...]
 *
 * Writes one "name secret" line per agent to AGENTS_FILE; SCOPES is a comma-separated list.
 */
public final class Seed {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        String prefix = args[2];
        List<String> scopes = List.of(args[3].split(","));
        Config config = Config.parse(List.of(args).subList(4, args.length), Map.of());
        SecureRandom random = new SecureRandom();
        try (Database db = agentauth.Databases.openExisting(config, System.getenv())) {
            Users users = new Users(db, new UserStore(db), new SessionStore(db), new AuditLog(db, "bench-seed"),
                new agentauth.store.RevocationStore(db), new PasswordHasher(config.hashing()),
                new agentauth.user.PolicyRules(new agentauth.user.PolicyRules.Limits(config.issuerFor(config.port()),
                    config.resources(), config.policy().maxAccessTtl(), config.policy().maxRefreshTtl(), false)),
                Clock.systemUTC(), agentauth.metrics.Events.NONE);
            Users.Actor actor = new Users.Actor("bench-seed", null);
            int threads = Runtime.getRuntime().availableProcessors();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<String>> lines = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = String.format("%s%05d", prefix, i);
                byte[] b = new byte[18];
                random.nextBytes(b);
                String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
                lines.add(pool.submit(() -> {
                    users.create(name, secret, scopes, true, actor);
                    return name + " " + secret;
                }));
            }
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
                for (Future<String> f : lines) w.println(f.get());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdown();
            }
        }
    }
}
