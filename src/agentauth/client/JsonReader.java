package agentauth.client;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal, strict JSON reader (RFC 8259) for the few documents the client reads: token
 * responses, error bodies, metadata, JWKS, revocation lists and JWS headers and payloads. It
 * exists so the client jar needs nothing beyond the JDK. Objects become {@code Map<String,
 * Object>} (in document order), arrays {@code List<Object>}, numbers {@link Long} when integral
 * and in range, else {@link Double}; {@code true}/{@code false} {@link Boolean}; {@code null}
 * {@link #NULL}. Refused: duplicate keys (two {@code alg} or {@code aud} members must not be
 * ambiguous), invalid UTF-8, nesting deeper than {@value #MAX_DEPTH}, trailing content.
 * Stateless static entry points; each parse uses its own instance.
 */
final class JsonReader {
    /** JSON {@code null}, so that a member set to null differs from a missing one. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Malformed input. The message never quotes the input, which may hold a token. */
    static final class MalformedJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message, null, false, false);
        }
    }

    private static final int MAX_DEPTH = 32;

    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    /** The top-level object of a UTF-8 document. */
    static Map<String, Object> object(byte[] utf8) throws MalformedJsonException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedJsonException("not UTF-8");
        }
        JsonReader reader = new JsonReader(text);
        reader.skipSpace();
        if (reader.peek() != '{') {
            throw new MalformedJsonException("not a JSON object");
        }
        Object value = reader.value(0);
        reader.skipSpace();
        if (reader.pos != text.length()) {
            throw new MalformedJsonException("content after the JSON value");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) value;
        return object;
    }

    /** The value as an object, or null when it is not one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> asObject(Object value) {
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : null;
    }

    /** The member as a string, or null when absent or not a string. */
    static String string(Map<String, Object> object, String name) {
        return object.get(name) instanceof String s ? s : null;
    }

    /** The member as a number, or null when absent or not a number. */
    static Number number(Map<String, Object> object, String name) {
        return object.get(name) instanceof Number n ? n : null;
    }

    private Object value(int depth) throws MalformedJsonException {
        if (depth > MAX_DEPTH) {
            throw new MalformedJsonException("nested deeper than " + MAX_DEPTH);
        }
        skipSpace();
        char c = peek();
        switch (c) {
            case '{': return object(depth);
            case '[': return array(depth);
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw new MalformedJsonException("unexpected character at offset " + pos);
        }
    }

    private Map<String, Object> object(int depth) throws MalformedJsonException {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++; // '{'
        skipSpace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw new MalformedJsonException("expected a member name at offset " + pos);
            }
            String name = string();
            skipSpace();
            expect(':');
            if (map.put(name, value(depth + 1)) != null) {
                throw new MalformedJsonException("duplicate member name");
            }
            skipSpace();
            if (next() == '}') {
                return map;
            }
            if (text.charAt(pos - 1) != ',') {
                throw new MalformedJsonException("expected ',' or '}' at offset " + (pos - 1));
            }
        }
    }

    private List<Object> array(int depth) throws MalformedJsonException {
        List<Object> list = new ArrayList<>();
        pos++; // '['
        skipSpace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(value(depth + 1));
            skipSpace();
            char c = next();
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                throw new MalformedJsonException("expected ',' or ']' at offset " + (pos - 1));
            }
        }
    }

    private String string() throws MalformedJsonException {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw new MalformedJsonException("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(hex4());
                default -> throw new MalformedJsonException("invalid escape in a string");
            }
        }
    }

    private char hex4() throws MalformedJsonException {
        if (pos + 4 > text.length()) {
            throw new MalformedJsonException("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos++), 16);
            if (d < 0) {
                throw new MalformedJsonException("invalid \\u escape");
            }
            v = v * 16 + d;
        }
        return (char) v;
    }

    /** RFC 8259 §6 grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private Number number() throws MalformedJsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw new MalformedJsonException("invalid number at offset " + start);
        }
        boolean integral = true;
        if (peek() == '.') {
            pos++;
            integral = false;
            if (!digits()) {
                throw new MalformedJsonException("invalid number at offset " + start);
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw new MalformedJsonException("invalid number at offset " + start);
            }
        }
        String literal = text.substring(start, pos);
        if (integral && literal.length() <= 19) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException outOfRange) {
                // falls through to a double
            }
        }
        return Double.parseDouble(literal);
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object literal(String word, Object value) throws MalformedJsonException {
        if (!text.startsWith(word, pos)) {
            throw new MalformedJsonException("invalid literal at offset " + pos);
        }
        pos += word.length();
        return value;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private void expect(char c) throws MalformedJsonException {
        if (next() != c) {
            throw new MalformedJsonException("expected '" + c + "' at offset " + (pos - 1));
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() throws MalformedJsonException {
        if (pos >= text.length()) {
            throw new MalformedJsonException("unexpected end of input");
        }
        return text.charAt(pos++);
    }
}
