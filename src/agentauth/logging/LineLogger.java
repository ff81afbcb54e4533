package agentauth.logging;

import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * A logger that hands each event, formatted, to {@link LogLines}. Key-value pairs given through
 * slf4j's fluent API ({@code log.atInfo().addKeyValue("event", type)}) become fields of the JSON
 * line.
 */
final class LineLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private final Level threshold; // null: off

    LineLogger(String name, Level threshold) {
        this.name = name;
        this.threshold = threshold;
    }

    private boolean enabled(Level level) {
        return threshold != null && level.toInt() >= threshold.toInt();
    }

    @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
    @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
    @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
    @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
    @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable error) {
        LogLines.write(level, name, MessageFormatter.basicArrayFormat(pattern, args), List.of(), error);
    }

    @Override
    public void log(LoggingEvent event) {
        if (!enabled(event.getLevel())) return;
        List<KeyValuePair> fields = event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
        LogLines.write(event.getLevel(), name, MessageFormatter.basicArrayFormat(event.getMessage(), event.getArgumentArray()),
            fields, event.getThrowable());
    }
}
