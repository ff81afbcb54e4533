package agentauth.client;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one flat JSON object (RFC 8259) into a buffer it wipes when done, so a secret in a
 * request body only passes through memory this class clears. Members are strings, numbers or
 * objects written by another {@code JsonWriter}; a null string is left out. Not thread-safe;
 * one instance per document.
 */
final class JsonWriter {
    private char[] chars = new char[128];
    private int length;

    JsonWriter field(String name, String value) {
        return value == null ? this : field(name, value.toCharArray());
    }

    JsonWriter field(String name, char[] value) {
        name(name);
        string(value);
        return this;
    }

    JsonWriter field(String name, long value) {
        name(name);
        for (char c : Long.toString(value).toCharArray()) {
            append(c);
        }
        return this;
    }

    /** A nested object; {@code object} is finished and wiped by this call. */
    JsonWriter field(String name, JsonWriter object) {
        name(name);
        object.append(object.length == 0 ? '{' : '}');
        if (object.length == 1) {
            object.append('}');
        }
        for (int i = 0; i < object.length; i++) {
            append(object.chars[i]);
        }
        Arrays.fill(object.chars, '\0');
        return this;
    }

    /** The finished object as UTF-8; the writer's own buffers are wiped. */
    byte[] toBytesAndWipe() {
        append(length == 0 ? '{' : '}');
        if (length == 1) {
            append('}');
        }
        ByteBuffer encoded = null;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(chars, 0, length));
            return Arrays.copyOfRange(encoded.array(), 0, encoded.limit());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a field is not valid UTF-16 text (lone surrogate)");
        } finally {
            Arrays.fill(chars, '\0');
            if (encoded != null) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
        }
    }

    /** The finished object as text, for documents that hold no secret. */
    String toJson() {
        return new String(toBytesAndWipe(), StandardCharsets.UTF_8);
    }

    private void name(String name) {
        append(length == 0 ? '{' : ',');
        string(name.toCharArray());
        append(':');
    }

    /** RFC 8259 §7: escape quote, backslash and control characters. */
    private void string(char[] value) {
        append('"');
        for (char c : value) {
            if (c == '"' || c == '\\') {
                append('\\');
                append(c);
            } else if (c < 0x20) {
                append('\\');
                append('u');
                String hex = String.format("%04x", (int) c);
                for (int i = 0; i < 4; i++) {
                    append(hex.charAt(i));
                }
            } else {
                append(c);
            }
        }
        append('"');
    }

    private void append(char c) {
        if (length == chars.length) {
            char[] bigger = Arrays.copyOf(chars, chars.length * 2);
            Arrays.fill(chars, '\0');
            chars = bigger;
        }
        chars[length++] = c;
    }
}
