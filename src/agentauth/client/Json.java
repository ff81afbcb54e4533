package agentauth.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON for the client: one shared, read-only mapper for parsing, and a hand-written builder
 * for request bodies so a secret only passes through buffers this class can wipe (Jackson's
 * generators recycle their buffers between calls).
 */
final class Json {
    /** Rejects duplicate keys: two {@code alg} or {@code aud} members must not be ambiguous. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private char[] chars = new char[128];
    private int length;

    Json field(String name, String value) {
        return value == null ? this : field(name, value.toCharArray());
    }

    Json field(String name, char[] value) {
        append(length == 0 ? '{' : ',');
        string(name.toCharArray());
        append(':');
        string(value);
        return this;
    }

    /** The finished object as UTF-8; the builder's own buffers are wiped. */
    byte[] toBytesAndWipe() {
        append('}');
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
