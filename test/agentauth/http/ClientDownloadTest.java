package agentauth.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server hands out the Python client of its own build (from the jar, as build.sh packed it). */
class ClientDownloadTest {
    private static final Path REPOSITORY_COPY = Path.of("clients/python/agent_auth.py");
    private static final String PATH = "/clients/python/agent_auth.py";

    static TestServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<byte[]> send(String method, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + PATH))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void get_serves_the_repository_file_byte_for_byte_as_python_text() throws Exception {
        HttpResponse<byte[]> r = send("GET");
        assertEquals(200, r.statusCode());
        assertArrayEquals(Files.readAllBytes(REPOSITORY_COPY), r.body());
        assertEquals("text/x-python; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("public, max-age=300", r.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(r.headers().firstValue("ETag").orElse("").matches("\"[0-9a-f]{32}\""), r.headers().toString());
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
    }

    @Test
    void head_answers_the_same_headers_without_a_body() throws Exception {
        HttpResponse<byte[]> get = send("GET");
        HttpResponse<byte[]> head = send("HEAD");
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        for (String name : new String[] {"Content-Type", "ETag", "Cache-Control"}) {
            assertEquals(get.headers().firstValue(name), head.headers().firstValue(name), name);
        }
    }

    @Test
    void a_cached_copy_is_revalidated_with_its_etag() throws Exception {
        String etag = send("GET").headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> same = send("GET", "If-None-Match", etag);
        assertEquals(304, same.statusCode());
        assertEquals(0, same.body().length);
        assertEquals(etag, same.headers().firstValue("ETag").orElse(""));
        assertEquals(304, send("GET", "If-None-Match", "\"other\", W/" + etag).statusCode());

        HttpResponse<byte[]> changed = send("GET", "If-None-Match", "\"an-older-version\"");
        assertEquals(200, changed.statusCode());
        assertArrayEquals(Files.readAllBytes(REPOSITORY_COPY), changed.body());
    }
}
