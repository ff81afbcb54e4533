package agentauth;

import agentauth.logging.LogLines;
import agentauth.logging.LogProvider;

/**
 * One line per event on standard error ({@link LogProvider}), text with ISO times and short
 * names or JSON, the libraries' chatter kept to warnings. Set before the first logger is made;
 * -D flags still win. The levels keep slf4j-simple's property names, so existing -D flags work.
 */
public final class Logging {
    private Logging() {}

    public static void configure() {
        set("slf4j.provider", LogProvider.class.getName());
        set("slf4j.internal.verbosity", "WARN"); // not "Attempting to load provider ..." at every start
        set("org.slf4j.simpleLogger.defaultLogLevel", "info");
        set("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        set("org.slf4j.simpleLogger.log.io.javalin", "warn");
        set("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
    }

    /** The server's choice of format ({@code --log-format}) and its instance id, for the whole process. */
    public static void apply(Config config) {
        LogLines.use(config.logFormat() == Config.LogFormat.JSON, config.instanceId());
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
