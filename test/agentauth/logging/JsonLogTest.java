package agentauth.logging;

import static agentauth.logging.LogLinesReader.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.JarProcess;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar with --log-format json --access-log: one JSON object a line, the request's id in its
 * response and in every line of that request, and an access line per request with its fields.
 */
class JsonLogTest {
    @TempDir static Path dir;
    static JarProcess server;
    static Http http;

    @BeforeAll
    static void start() {
        server = JarProcess.start(dir.resolve("json.db"), "--log-format", "json", "--access-log", "--instance-id", "json-1");
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void every_line_is_one_json_object_that_starts_with_time_level_logger_message_and_instance() {
        List<JsonNode> lines = LogLinesReader.parse(server.log());
        assertTrue(lines.stream().anyMatch(l -> text(l, "msg").startsWith("agent-auth listening on")), server.log());
        for (JsonNode l : lines) {
            Iterator<String> keys = l.fieldNames();
            assertEquals(List.of("ts", "level", "logger", "msg", "instance"),
                List.of(keys.next(), keys.next(), keys.next(), keys.next(), keys.next()), l.toString());
            assertEquals("json-1", text(l, "instance"));
            assertTrue(text(l, "ts").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), l.toString());
        }
    }

    @Test
    void a_request_id_given_is_kept_echoed_and_on_every_line_of_the_request() {
        Http.Response r = http.postJson("/login", Http.json("username", "admin", "password", "wrong"),
            "X-Request-Id", "trace.ABC-123_x");
        assertEquals(401, r.status());
        assertEquals("trace.ABC-123_x", r.header("X-Request-Id"));
        List<JsonNode> mine = LogLinesReader.await(server::log, l -> "trace.ABC-123_x".equals(text(l, "request_id")), 2);
        JsonNode event = mine.stream().filter(l -> "login_failed".equals(text(l, "event"))).findFirst().orElseThrow();
        assertEquals("admin", text(event, "sub"));
        assertEquals("/login", text(event, "route"));
        assertEquals("127.0.0.1", text(event, "client_ip"));
        JsonNode access = mine.stream().filter(l -> "agentauth.access".equals(text(l, "logger"))).findFirst().orElseThrow();
        assertEquals("POST", text(access, "method"));
        assertEquals(401, access.get("status").asInt());
        assertTrue(access.get("duration_ms").isNumber(), access.toString());
    }

    @Test
    void an_unfit_request_id_is_replaced_by_a_fresh_one() {
        for (String bad : List.of("has space", "x".repeat(65), "semi;colon", "quote\"d")) {
            Http.Response r = http.get("/health", "X-Request-Id", bad);
            String id = r.header("X-Request-Id");
            assertNotEquals(bad, id);
            assertTrue(id.matches("[A-Za-z0-9._-]{1,64}"), id);
            LogLinesReader.await(server::log, l -> id.equals(text(l, "request_id")), 1);
        }
        String fresh = http.get("/health").header("X-Request-Id");
        assertTrue(fresh != null && fresh.length() >= 16, "one is made when none came: " + fresh);
        assertTrue(LogLinesReader.parse(server.log()).stream().noneMatch(l -> l.toString().contains("has space")),
            "the refused value is logged nowhere");
    }

    @Test
    void the_access_line_names_the_route_template_the_subject_and_the_token_id() throws Exception {
        String token = http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
        String id = "me-" + System.nanoTime();
        assertEquals(200, http.get("/admin/api/users/admin", "Authorization", Http.bearer(token), "X-Request-Id", id).status());
        JsonNode access = LogLinesReader.await(server::log,
            l -> id.equals(text(l, "request_id")) && "agentauth.access".equals(text(l, "logger")), 1).get(0);
        assertEquals("/admin/api/users/{name}", text(access, "route"));
        assertEquals("GET", text(access, "method"));
        assertEquals(200, access.get("status").asInt());
        assertEquals("admin", text(access, "sub"));
        String jti = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.util.Base64.getUrlDecoder()
            .decode(token.split("\\.")[1])).get("jti").asText();
        assertEquals(jti, text(access, "jti"));
        assertEquals("/admin/api/users/admin", text(access, "msg").split(" ")[1], "the message has the path as sent");
    }
}
