package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import agentauth.client.JsonReader.MalformedJsonException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client's own JSON reader: what it accepts is what Jackson on the server writes. */
class JsonReaderTest {
    private static Map<String, Object> read(String json) throws MalformedJsonException {
        return JsonReader.object(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void every_kind_of_value_reads_as_the_documented_java_type() throws Exception {
        Map<String, Object> o = read(" {\"s\":\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\", \"i\":-42, \"big\":12345678901234567890,"
                + "\"d\":1.5e3, \"t\":true, \"f\":false, \"n\":null, \"a\":[1,\"x\",{}], \"o\":{\"k\":[]}}\n");
        assertEquals("a\"b\\c/\n\u00e9\ud83d\ude00", o.get("s"));
        assertEquals(-42L, o.get("i"));
        assertEquals(1.2345678901234567e19, o.get("big"));
        assertEquals(1500.0, o.get("d"));
        assertEquals(Boolean.TRUE, o.get("t"));
        assertEquals(Boolean.FALSE, o.get("f"));
        assertSame(JsonReader.NULL, o.get("n"));
        assertEquals(List.of(1L, "x", Map.of()), o.get("a"));
        assertEquals(Map.of("k", List.of()), o.get("o"));
        assertEquals(List.of("s", "i", "big", "d", "t", "f", "n", "a", "o"), List.copyOf(o.keySet()));
    }

    @Test
    void malformed_documents_are_refused_without_quoting_them() {
        for (String bad : List.of("", "[]", "\"x\"", "{", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":01}",
                "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
                "{\"a\":\"tab\there\"}", "{\"a\":1} {}", "{\"a\":1}x", "{\"a\":[1 2]}", "{\"a\":NaN}",
                "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"secret-value\":}")) {
            MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> read(bad), bad);
            assertFalse(e.getMessage().contains("secret-value"), e.getMessage());
        }
    }

    @Test
    void deep_nesting_and_invalid_utf8_are_refused() {
        assertThrows(MalformedJsonException.class, () -> read("{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"));
        assertThrows(MalformedJsonException.class,
                () -> JsonReader.object(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}));
    }

    @Test
    void the_writer_escapes_what_the_reader_reads_back() throws Exception {
        String tricky = "q\"b\\s\u0001\u00e9/";
        byte[] doc = new JsonWriter().field("s", tricky).field("n", -7).field("o", new JsonWriter().field("k", "v"))
                .field("e", new JsonWriter()).toBytesAndWipe();
        assertEquals(Map.of("s", tricky, "n", -7L, "o", Map.of("k", "v"), "e", Map.of()), JsonReader.object(doc));
        assertEquals(Map.of(), JsonReader.object(new JsonWriter().toBytesAndWipe()));
    }
}
