package agentauth;

import agentauth.cli.BackupCommand;
import agentauth.cli.TokenCommand;
import agentauth.cli.UsersCommand;
import agentauth.cli.Version;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The command line: parses it and hands over; nothing else lives here. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Logging.configure();
        int code = run(args, System.getenv(), System.in, System.out, System.err);
        if (code >= 0) System.exit(code);
        // negative: the server runs until SIGTERM/SIGINT
    }

    /** Runs a subcommand and returns its exit code, or -1 when the server was started. */
    static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        String command = args.length == 0 ? "serve" : args[0];
        try {
            switch (command) {
                case "--help", "-h", "help" -> {
                    out.print(help());
                    return 0;
                }
                case "--version", "version" -> {
                    out.println(Version.describe());
                    return 0;
                }
                case "users" -> {
                    // the command prints its own one-line result; the audit event is in the database
                    System.setProperty("org.slf4j.simpleLogger.log.agentauth.store.AuditLog", "warn");
                    return UsersCommand.run(rest, env, in, out, err);
                }
                case "backup" -> {
                    return BackupCommand.run(rest, env, out, err);
                }
                case "settings" -> {
                    return agentauth.cli.SettingsCommand.run(rest, env, out, err);
                }
                case "copy" -> {
                    return agentauth.cli.CopyCommand.run(rest, env, out, err);
                }
                case "token" -> {
                    return TokenCommand.run(rest.toArray(String[]::new), env, in, out, err);
                }
                case "serve" -> {
                    return serve(rest, env, err);
                }
                default -> {
                    if (command.startsWith("--")) return serve(Arrays.asList(args), env, err);
                    err.println("agent-auth: unknown command '" + command + "' (see --help)");
                    return 2;
                }
            }
        } catch (ConfigException e) {
            err.println("agent-auth: " + e.getMessage());
            return 2;
        }
    }

    private static int serve(List<String> args, Map<String, String> env, PrintStream err) {
        if (args.contains("--help")) {
            err.print(help());
            return 0;
        }
        Config config = Config.parse(args, env);
        Logging.apply(config); // --log-format: the process's standard error, so here and not in App
        JvmMemory.apply(); // the server's process only: a plain java -jar gives memory back after a burst
        // The hook is in place before the server listens: a SIGTERM right after the "listening"
        // line waits for the start to finish and stops cleanly (exit 0), rather than 143.
        java.util.concurrent.CompletableFuture<App> started = new java.util.concurrent.CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            App app = started.completeOnTimeout(null, 60, java.util.concurrent.TimeUnit.SECONDS).join();
            if (app != null) stop(app); // null: the start failed, and its exit code stands
        }, "shutdown"));
        try {
            started.complete(App.start(config, env, Clock.systemUTC()));
        } catch (ConfigException e) {
            started.complete(null);
            throw e;
        } catch (RuntimeException e) {
            started.complete(null);
            err.println("agent-auth: cannot start: " + rootMessage(e));
            return 1;
        }
        return -1;
    }

    /**
     * SIGTERM/SIGINT: stop accepting, let requests in flight finish (bounded), close the database
     * with a checkpoint, then exit 0, since a requested stop that went well is a success (the JVM
     * would report 143 for SIGTERM otherwise). A failed close exits 1.
     */
    private static void stop(App app) {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
        log.info("stopping: no new connections; waiting up to {}s for requests in flight", HttpServer.STOP_TIMEOUT.toSeconds());
        int code = 0;
        try {
            app.close();
            log.info("stopped: database closed cleanly");
        } catch (RuntimeException e) {
            log.error("stopping failed: {}", e.toString());
            code = 1;
        }
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    static String help() {
        return """
            agent-auth: an authentication server for AI agents, in one jar.

            Usage:
              java -jar agent-auth.jar [serve] [flags]      run the server
              java -jar agent-auth.jar users add NAME [--scope S]... [--disabled] [POLICY]
              java -jar agent-auth.jar users update NAME [--scope S]... [POLICY]
              java -jar agent-auth.jar users list | show NAME | passwd NAME | disable NAME | enable NAME | remove NAME
              java -jar agent-auth.jar users unthrottle NAME
                                                            manage users without the server (--db FILE;
                                                            --force lets disable/remove take the last admin;
                                                            unthrottle clears a running server's counters)
                POLICY: --access-ttl D --refresh-ttl D --resource URL... --expires-at TIME|D|never
                        --owner TEXT --description TEXT --quota-per-hour N --quota-per-day N
                        --quota-enforce true|false   (default, never or none: back to the server's default)
              java -jar agent-auth.jar token --server URL --username NAME [--scope S]... [--resource URL]
                                                            print an access token (client_credentials)
              java -jar agent-auth.jar settings [show] | settings set NAME VALUE...
                                                            the settings every instance shares (--db ...)
              java -jar agent-auth.jar copy --from FILE.db --to postgresql://HOST:PORT/DB?user=NAME
                                                            move a SQLite database into an empty PostgreSQL one
              java -jar agent-auth.jar backup FILE [--db FILE]
                                                            consistent copy of a live database
              java -jar agent-auth.jar --version            the version and the commit it was built from
              java -jar agent-auth.jar --help               this text

            Server flags (each also from the environment variable below it; the flag wins):
            """ + Flags.help() + """

            Durations: a number and a unit, ms, s, m, h or d (500ms, 90s, 15m, 12h, 30d); a bare number is seconds.

            Other environment variables:
              AGENT_AUTH_ADMIN_PASSWORD   password of the first admin of a new database (else a random one is
                                          logged once); ignored afterwards: use `users passwd admin`
              AGENT_AUTH_MASTER_KEY       base64url of 32 bytes that encrypts the signing keys at rest
                                          (else the key file <db>.master-key, created on first start)
              AGENT_AUTH_PASSWORD         the secret for `users add`, `users passwd` and `token` (else the first
                                          line of standard input; `users` refuses both at once, and at a
                                          terminal asks twice with the input hidden)
            """;
    }
}
