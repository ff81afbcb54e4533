package agentauth.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import agentauth.Config;
import agentauth.ConfigException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A JSON log field holds any text without ending the line or the object; the flag takes two values. */
class JsonLineTest {
    @Test
    void any_text_stays_inside_its_field_and_reads_back_unchanged() throws Exception {
        String hostile = "a\"b\\c\nd\re\tf\u0000g\u007fh\u2028i\u2029j\"}{\"level\":\"ERROR\"";
        StringBuilder b = new StringBuilder("{");
        JsonLine.field(b, "msg", hostile, true);
        JsonLine.field(b, "status", 200, false);
        JsonLine.field(b, "lone", "x\uD800y", false);
        String line = b.append('}').toString();
        assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u2028"), line);
        var node = new ObjectMapper().readTree(line);
        assertEquals(hostile, node.get("msg").asText());
        assertEquals(200, node.get("status").asInt());
        assertEquals(3, node.size(), "no field forged");
    }

    @Test
    void log_format_is_text_or_json() {
        assertEquals(Config.LogFormat.TEXT, Config.parse(List.of(), Map.of()).logFormat());
        assertEquals(Config.LogFormat.JSON, Config.parse(List.of("--log-format", "json"), Map.of()).logFormat());
        var e = assertThrows(ConfigException.class, () -> Config.parse(List.of("--log-format", "xml"), Map.of()));
        assertEquals("--log-format must be text or json, got 'xml'", e.getMessage());
    }
}
