package agentauth;

/**
 * One line per event on standard error (slf4j-simple), with ISO times and short names; the
 * libraries' chatter kept to warnings. Set before the first logger is made; -D flags still win.
 */
public final class Logging {
    private Logging() {}

    public static void configure() {
        set("org.slf4j.simpleLogger.defaultLogLevel", "info");
        set("org.slf4j.simpleLogger.showDateTime", "true");
        set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        set("org.slf4j.simpleLogger.showThreadName", "false");
        set("org.slf4j.simpleLogger.showLogName", "false");
        set("org.slf4j.simpleLogger.showShortLogName", "true");
        set("org.slf4j.simpleLogger.levelInBrackets", "false");
        set("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        set("org.slf4j.simpleLogger.log.io.javalin", "warn");
        set("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
