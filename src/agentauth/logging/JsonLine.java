package agentauth.logging;

/**
 * Writes JSON fields for log lines without a JSON library (loggers run before and beside
 * everything else). Numbers and booleans stay bare; anything else is a string, escaped so that
 * no input can end the line or the object early.
 */
final class JsonLine {
    private JsonLine() {}

    static void field(StringBuilder b, String key, Object value, boolean first) {
        if (!first) b.append(',');
        string(b, key);
        b.append(':');
        if (value instanceof Number || value instanceof Boolean) b.append(value);
        else string(b, String.valueOf(value));
    }

    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    // control characters, and the separators some readers take for line ends
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c) && !paired(s, i))
                        b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    /** True when the surrogate at {@code i} is half of a valid pair. */
    private static boolean paired(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
