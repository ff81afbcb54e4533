package agentauth.cli;

import agentauth.Config;
import agentauth.ConfigException;
import agentauth.Databases;
import agentauth.Flags;
import agentauth.settings.SharedSettings;
import agentauth.store.AuditLog;
import agentauth.store.Database;
import agentauth.store.SettingsStore;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code settings [show]} and {@code settings set NAME VALUE...}: the settings every instance on
 * one database shares (what a token means, how a secret is checked). A change is validated as a
 * flag would be, audited, and applied by every running instance within a few seconds.
 */
public final class SettingsCommand {
    static final String USAGE = "usage: settings [show] | settings set NAME VALUE... (a shared setting, as its flag takes it)"
        + "  (--db FILE or postgresql://...)";

    private SettingsCommand() {}

    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        Flags.Parsed parsed = Flags.parse(args, Flags.withServerFlags());
        List<String> words = parsed.words();
        String action = words.isEmpty() ? "show" : words.get(0);
        Config config = Config.from(parsed, env);
        try (Database db = Databases.openExisting(config, env)) {
            SettingsStore store = new SettingsStore(db);
            switch (action) {
                case "show" -> {
                    if (words.size() > 1) throw new ConfigException(USAGE);
                    SharedSettings.show(store).forEach((name, value) ->
                        out.printf("%-28s %s%n", name, value == null ? "(not stored yet: the first server stores it)" : value));
                }
                case "set" -> {
                    if (words.size() < 2 || (words.size() < 3 && !words.get(1).equals("resource"))) throw new ConfigException(USAGE);
                    String name = words.get(1);
                    List<String> values = words.subList(2, words.size());
                    SharedSettings.set(db, store, new AuditLog(db, "cli"), config, name, values, Clock.systemUTC());
                    out.println(name + " = " + (values.isEmpty() ? "(none)" : String.join(" ", values))
                        + "; every running instance applies it within a few seconds");
                }
                default -> throw new ConfigException("unknown settings action '" + action + "' (show or set)");
            }
            return 0;
        } catch (IllegalStateException e) {
            err.println("agent-auth: " + e.getMessage());
            return 1;
        }
    }
}
