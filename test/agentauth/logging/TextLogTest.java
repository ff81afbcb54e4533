package agentauth.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Http;
import agentauth.support.JarProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default text format keeps its shape, and a request's lines end with its id. */
class TextLogTest {
    @TempDir Path dir;

    @Test
    void text_lines_carry_the_request_id_and_the_access_line_when_asked_for() {
        try (JarProcess server = JarProcess.start(dir.resolve("text.db"), "--access-log")) {
            Http http = server.http();
            assertEquals(401, http.postJson("/login", Http.json("username", "admin", "password", "wrong"),
                "X-Request-Id", "text-id-1").status());
            assertTrue(server.awaitLog("POST /login 401 ", 60), server.log());
            List<String> lines = server.log().lines().filter(l -> l.endsWith(" request_id=text-id-1")).toList();
            assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+ INFO AuditLog - login_failed user=admin .*")), server.log());
            assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+ INFO access - POST /login 401 [0-9.]+ms 127\\.0\\.0\\.1 request_id=text-id-1")),
                server.log());
        }
    }

    @Test
    void no_access_line_without_the_flag() {
        try (JarProcess server = JarProcess.start(dir.resolve("quiet.db"))) {
            assertEquals(200, server.http().get("/health").status());
            server.http().postJson("/login", Http.json("username", "admin", "password", "wrong"));
            assertTrue(server.awaitLog("login_failed", 60));
            assertTrue(server.log().lines().noneMatch(l -> l.contains(" INFO access - ")), server.log());
        }
    }
}
