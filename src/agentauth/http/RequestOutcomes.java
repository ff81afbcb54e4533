package agentauth.http;

import agentauth.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a finished request goes: the metrics (when on), and with {@code --access-log} one line
 * in the log, its fields as key-value pairs (JSON) and readable text. The path is logged as sent
 * (percent-encoded), without its query, cut at 200 characters: no secret travels in a path or
 * query here, and a client cannot forge a line with it.
 */
public final class RequestOutcomes implements RequestScope.Outcome {
    private static final Logger access = LoggerFactory.getLogger("agentauth.access");
    private final ServerMetrics metrics; // null: metrics off
    private final boolean accessLog;

    public RequestOutcomes(ServerMetrics metrics, boolean accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    @Override
    public void finished(Exchange x, int status, long nanos) {
        if (metrics != null) {
            metrics.request(x.route, x.method, status, nanos);
            if (x.grant != null) metrics.tokenResponse(x.grant, status, x.error);
        }
        if (accessLog && access.isInfoEnabled()) log(x, status, nanos);
    }

    private static void log(Exchange x, int status, long nanos) {
        double ms = Math.round(nanos / 100_000.0) / 10.0;
        String path = printable(x.path);
        var line = access.atInfo()
            .addKeyValue("request_id", x.id)
            .addKeyValue("route", x.route)
            .addKeyValue("method", x.method)
            .addKeyValue("status", status)
            .addKeyValue("duration_ms", ms)
            .addKeyValue("client_ip", x.clientIp);
        if (x.sub != null) line = line.addKeyValue("sub", x.sub);
        if (x.jti != null) line = line.addKeyValue("jti", x.jti);
        line.log("{} {} {} {}ms {}{}", printable(x.method), path, status, ms, x.clientIp, x.sub == null ? "" : " sub=" + x.sub);
    }

    private static final java.util.regex.Pattern NOT_PRINTABLE = java.util.regex.Pattern.compile("[^\\x21-\\x7E]");

    /** Printable ASCII only, at most 200 characters. */
    private static String printable(String s) {
        if (s == null) return "-";
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return NOT_PRINTABLE.matcher(cut).replaceAll("?");
    }
}
