package agentauth.cli;

import agentauth.Config;
import agentauth.Databases;
import agentauth.crypto.MasterKey;
import agentauth.store.ThrottleStore;
import agentauth.throttle.FailureThrottle;
import agentauth.ConfigException;
import agentauth.Flags;
import agentauth.error.AuthError;
import agentauth.settings.SharedSettings;
import agentauth.store.AgentPolicy;
import agentauth.store.AuditLog;
import agentauth.store.SettingsStore;
import agentauth.store.Database;
import agentauth.store.SessionStore;
import agentauth.user.Account;
import agentauth.store.UserStore;
import agentauth.user.PasswordHasher;
import agentauth.user.PolicyPatch;
import agentauth.user.PolicyRules;
import agentauth.user.Rules;
import agentauth.user.Users;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code users add|list|show|update|passwd|disable|enable|remove|unthrottle}: the same service as the admin
 * API, on the database file directly (safe beside a running server: SQLite locks, and the server
 * reads user state from the file on every request). Audit events name the actor "cli".
 * {@code unthrottle} clears the name's counters in the database, which every running server
 * reads on each check. A missing database is an error: only the server creates one.
 */
public final class UsersCommand {
    private static final List<Flags.Flag> OWN = own();
    private static final List<Flags.Flag> OPTIONS = Flags.withServerFlags(OWN.toArray(Flags.Flag[]::new));
    private static final List<String> ACTIONS = List.of("add", "list", "show", "update", "passwd", "disable", "enable", "remove",
        "unthrottle", "require-dpop", "allow-bearer");

    private UsersCommand() {}

    public static int run(List<String> args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.contains("--help")) {
            err.println("usage: users add NAME [--scope S]... [--disabled] [POLICY] | list | show NAME | update NAME [--scope S]..."
                + " [POLICY] | passwd NAME | disable NAME | enable NAME | remove NAME [--force] | unthrottle NAME"
                + " | require-dpop NAME | allow-bearer NAME  (--db FILE)");
            err.println("POLICY: " + PolicyOptions.USAGE + "  (D: a duration such as 15m or 30d; default, never or none"
                + " resets a field)");
            return args.isEmpty() ? 2 : 0;
        }
        String action = args.get(0);
        if (!ACTIONS.contains(action))
            throw new ConfigException("unknown users action '" + action + "' (one of: " + String.join(", ", ACTIONS) + ")");
        Flags.Parsed parsed = Flags.parse(args.subList(1, args.size()), OPTIONS);
        String name = parsed.word();
        List<String> scopes = parsed.all("scope");
        boolean force = parsed.on("force"), disabled = parsed.on("disabled");
        // The agent's own --access-ttl, --refresh-ttl, --resource are not the server's: kept out of its config
        Config config = Config.from(withoutOwn(parsed), env);
        if (!action.equals("list") && name == null) throw new ConfigException("users " + action + " needs a NAME");
        // only the process's own standard input can be a terminal; a stream a caller made cannot
        Terminal terminal = in == System.in ? Terminal.detect() : Terminal.NONE;
        try (Database db = Databases.openExisting(config, env);
             PasswordHasher hasher = new PasswordHasher(config.hashing())) {
            Clock clock = Clock.systemUTC();
            Users users = new Users(db, new UserStore(db), new SessionStore(db), new AuditLog(db, "cli"),
                new agentauth.store.RevocationStore(db), hasher, new PolicyRules(limits(db, config)), clock,
                agentauth.metrics.Events.NONE);
            switch (action) {
                case "list" -> UserListing.list(users.list(), out);
                case "show" -> UserListing.show(users.get(name), out);
                case "add" -> {
                    Rules.username(name); // before anyone types a secret for it
                    AgentPolicy policy = PolicyOptions.patch(parsed, AgentPolicy.NONE, clock).applyTo(AgentPolicy.NONE);
                    Account u = users.create(name, SecretInput.read(name, env, in, terminal), scopes, !disabled, policy,
                        Users.Actor.CLI);
                    out.println("created " + u.username() + " [" + String.join(" ", u.scopes()) + "]");
                }
                case "update" -> {
                    PolicyPatch policy = PolicyOptions.patch(parsed, users.get(name).policy(), clock);
                    Users.Patch patch = new Users.Patch(null, scopes.isEmpty() ? null : scopes, null, policy);
                    if (patch.isEmpty()) throw new ConfigException("users update " + name + " needs an option to change (see --help)");
                    Account u = users.update(name, patch, Users.Actor.CLI, force);
                    out.println("updated " + u.username());
                }
                case "passwd" -> {
                    users.get(name); // one that does not exist is said before anyone types a secret for it
                    users.update(name, new Users.Patch(SecretInput.read(name, env, in, terminal), null, null), Users.Actor.CLI, false);
                    out.println("password changed for " + name + "; its sessions were ended");
                }
                case "disable", "enable" -> {
                    users.update(name, new Users.Patch(null, null, action.equals("enable")), Users.Actor.CLI, force);
                    out.println(name + " " + action + "d");
                }
                case "require-dpop", "allow-bearer" -> { // contract D: the agent's dpop_required
                    boolean required = action.equals("require-dpop");
                    users.dpopRequired(name, required, Users.Actor.CLI);
                    out.println(name + (required ? " must use DPoP; its unbound sessions were ended" : " may use bearer tokens"));
                }
                case "remove" -> {
                    users.delete(name, Users.Actor.CLI, force);
                    out.println("removed " + name);
                }
                case "unthrottle" -> {
                    Rules.username(name);
                    byte[] nameKey = MasterKey.load(env, config.db(), false).derive("throttle keys v1");
                    AuditLog audit = new AuditLog(db, "cli");
                    FailureThrottle.shared(config.throttling(), new ThrottleStore(db), nameKey, audit, Clock.systemUTC()).clear(name);
                    users.throttleCleared(name, Users.Actor.CLI);
                    out.println("throttle of " + name + " cleared");
                }
                default -> throw new IllegalStateException("unhandled users action " + action);
            }
            return 0;
        } catch (AuthError e) {
            err.println("agent-auth: " + e.description());
            return 1;
        } catch (IllegalStateException e) {
            err.println("agent-auth: " + e.getMessage());
            return 1;
        }
    }

    private static List<Flags.Flag> own() {
        List<Flags.Flag> own = new ArrayList<>(List.of(Flags.Flag.option("scope", true), Flags.Flag.toggle("force"),
            Flags.Flag.toggle("disabled")));
        own.addAll(PolicyOptions.FLAGS);
        return List.copyOf(own);
    }

    private static Flags.Parsed withoutOwn(Flags.Parsed parsed) {
        Map<String, List<String>> server = new LinkedHashMap<>(parsed.values());
        for (Flags.Flag f : OWN) server.remove(f.name());
        return new Flags.Parsed(parsed.words(), server);
    }

    /**
     * What a policy may say, as the servers on this database see it: their shared settings
     * (resources, TTL maxima), and the issuer these flags name (an agent may list it).
     */
    private static PolicyRules.Limits limits(Database db, Config config) {
        Config shared = SharedSettings.applied(new SettingsStore(db), config);
        return new PolicyRules.Limits(config.issuerFor(config.port()), shared.resources(), shared.policy().maxAccessTtl(),
            shared.policy().maxRefreshTtl(), shared.policy().requireOwner());
    }
}
