package agentauth.metrics;

import java.math.BigDecimal;
import java.util.List;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: per family a {@code # HELP} and a
 * {@code # TYPE} line, then its samples, one a line, {@code name{label="value",...} value}.
 */
public final class TextFormat {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(16 * 1024);

    /** Starts a family: {@code type} is counter, gauge, histogram, summary or untyped. */
    public void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) { // help escapes only backslash and line feed
            char c = help.charAt(i);
            if (c == '\\') out.append("\\\\");
            else if (c == '\n') out.append("\\n");
            else out.append(c);
        }
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    public void sample(String name, double value) {
        sample(name, List.of(), List.of(), value);
    }

    public void sample(String name, List<String> labelNames, List<String> labelValues, double value) {
        sample(name, labelNames, labelValues, null, null, value);
    }

    /** A sample with one more label after the family's own (a histogram bucket's {@code le}). */
    public void sample(String name, List<String> labelNames, List<String> labelValues, String extraName, String extraValue,
                       double value) {
        out.append(name);
        if (!labelNames.isEmpty() || extraName != null) {
            out.append('{');
            for (int i = 0; i < labelNames.size(); i++) label(i > 0, labelNames.get(i), labelValues.get(i));
            if (extraName != null) label(!labelNames.isEmpty(), extraName, extraValue);
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    private void label(boolean comma, String name, String value) {
        if (comma) out.append(',');
        out.append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) { // label values escape backslash, quote and line feed
            char c = value.charAt(i);
            if (c == '\\') out.append("\\\\");
            else if (c == '"') out.append("\\\"");
            else if (c == '\n') out.append("\\n");
            else out.append(c);
        }
        out.append('"');
    }

    /** Whole numbers without a fraction, the rest as Java prints them (Go's ParseFloat reads both). */
    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    /** A bucket bound as people write it: 0.005, 1, 2.5. */
    static String bound(double v) {
        return Double.isInfinite(v) ? "+Inf" : BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    public String text() {
        return out.toString();
    }
}
