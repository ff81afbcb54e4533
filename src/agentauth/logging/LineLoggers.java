package agentauth.logging;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * One {@link LineLogger} per name. Levels are read as slf4j-simple reads them, so the same -D
 * flags work: {@code org.slf4j.simpleLogger.log.<name or prefix>}, else
 * {@code org.slf4j.simpleLogger.defaultLogLevel}, looked up when a logger is first made.
 */
final class LineLoggers implements ILoggerFactory {
    private static final String PREFIX = "org.slf4j.simpleLogger.log.";
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new LineLogger(n, level(n)));
    }

    static Level level(String name) {
        for (String n = name; ; ) {
            String configured = System.getProperty(PREFIX + n);
            if (configured != null) return parse(configured);
            int dot = n.lastIndexOf('.');
            if (dot < 0) break;
            n = n.substring(0, dot);
        }
        return parse(System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "info"));
    }

    /** A level name; "off" is a level above error. */
    private static Level parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.TRACE;
            case "debug" -> Level.DEBUG;
            case "warn" -> Level.WARN;
            case "error" -> Level.ERROR;
            case "off" -> null;
            default -> Level.INFO;
        };
    }
}
