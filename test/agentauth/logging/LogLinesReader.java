package agentauth.logging;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A JSON log read back: every line must be one JSON object (the first admin's password line aside). */
final class LogLinesReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LogLinesReader() {}

    static List<JsonNode> parse(String log) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.isEmpty() || line.startsWith("admin password: ")) continue;
            try {
                JsonNode n = JSON.readTree(line);
                if (n == null || !n.isObject()) fail("not a JSON object: " + line);
                lines.add(n);
            } catch (IOException e) {
                fail("not JSON: " + line + "\nin:\n" + log);
            }
        }
        return lines;
    }

    /** The lines that match, waiting for them to be written (a line follows its answer). */
    static List<JsonNode> await(java.util.function.Supplier<String> log, Predicate<JsonNode> match, int count) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<JsonNode> found = List.of();
        while (System.nanoTime() < deadline) {
            found = parse(log.get()).stream().filter(match).toList();
            if (found.size() >= count) return found;
            try {
                Thread.sleep(20); // polling the child's log file for a line it writes after answering
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        fail("expected " + count + " matching lines, found " + found.size() + " in:\n" + log.get());
        return found;
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
