package agentauth.logging;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

/**
 * Turns one log event into one line on standard error. Text (the default) reads as slf4j-simple
 * did, {@code 2026-01-02T03:04:05.678+01:00 INFO App - message}, with the request's id appended
 * while a request runs. JSON is one object a line: {@code ts level logger msg instance}, then
 * whichever of {@link #FIELDS} the request context (MDC) or the event's key-value pairs hold.
 *
 * <p>The format and the instance are the process's, like standard error itself: set once by the
 * command line at start ({@link #use}), read by every logger.
 */
public final class LogLines {
    /** The request and event fields of a JSON line, in their order. */
    public static final List<String> FIELDS = List.of("request_id", "route", "method", "status", "duration_ms", "client_ip",
        "sub", "jti", "event");
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
        .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter JSON_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX")
        .withZone(ZoneOffset.UTC);

    private record Settings(boolean json, String instance) {}

    private static volatile Settings settings = new Settings(false, null);

    private LogLines() {}

    /** Chooses JSON or text for every line from now on; {@code instance} goes into each JSON line. */
    public static void use(boolean json, String instance) {
        settings = new Settings(json, instance);
    }

    static void write(Level level, String logger, String message, List<KeyValuePair> pairs, Throwable error) {
        Settings s = settings;
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String key : FIELDS) {
            String v = MDC.get(key);
            if (v != null) fields.put(key, v);
        }
        for (KeyValuePair p : pairs) if (p.key != null && p.value != null) fields.put(p.key, p.value);
        String line = s.json() ? json(s, level, logger, message, fields, error) : text(level, logger, message, fields, error);
        PrintStream err = System.err; // looked up each time: tests and commands may swap it
        err.print(line);
        err.flush();
    }

    private static String text(Level level, String logger, String message, Map<String, Object> fields, Throwable error) {
        StringBuilder b = new StringBuilder(128);
        b.append(TEXT_TIME.format(Instant.now())).append(' ').append(level).append(' ')
            .append(logger.substring(logger.lastIndexOf('.') + 1)).append(" - ").append(message);
        Object id = fields.get("request_id");
        if (id != null) b.append(" request_id=").append(id);
        b.append('\n');
        if (error != null) b.append(stackTrace(error));
        return b.toString();
    }

    private static String json(Settings s, Level level, String logger, String message, Map<String, Object> fields,
                               Throwable error) {
        StringBuilder b = new StringBuilder(256).append('{');
        JsonLine.field(b, "ts", JSON_TIME.format(Instant.now()), true);
        JsonLine.field(b, "level", level.toString(), false);
        JsonLine.field(b, "logger", logger, false);
        JsonLine.field(b, "msg", message, false);
        if (s.instance() != null) JsonLine.field(b, "instance", s.instance(), false);
        for (var f : fields.entrySet()) JsonLine.field(b, f.getKey(), f.getValue(), false);
        if (error != null) JsonLine.field(b, "error", stackTrace(error), false);
        return b.append("}\n").toString();
    }

    private static String stackTrace(Throwable error) {
        StringWriter w = new StringWriter();
        error.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
