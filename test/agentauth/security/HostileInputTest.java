package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agentauth.support.Backend;
import agentauth.support.Http;
import agentauth.support.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input suite: a table of requests no client should send, across every endpoint.
 * Each must get the contract's error body with the expected status and code (never a 500 or a
 * stack trace), and must leave the users and token tables exactly as they were. On both
 * databases: one server per database serves every row (PER_CLASS: the rows that need it read it).
 */
@ParameterizedClass
@EnumSource(Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    static final String SECRET = "hostile-agent-secret";
    @Parameter
    Backend backend;
    TestServer server;
    Http http;
    String refreshToken;

    @BeforeParameterizedClassInvocation(injectArguments = false)
    void start() {
        // Throttle numbers high: this suite checks parsing, ThrottleTest checks throttling.
        server = TestServer.startOn(backend, "--throttle-failures", "100000", "--throttle-name-failures", "100000",
            "--throttle-address-failures", "100000", "--throttle-address-names", "1000");
        server.createUser("agent", SECRET, "read");
        http = new Http(server.url());
        refreshToken = http.login("agent", SECRET).text("refresh_token");
    }

    @AfterParameterizedClassInvocation(injectArguments = false)
    void stop() {
        if (server != null) server.close(); // null when PostgreSQL is missing and the invocation was skipped
        server = null;
    }

    /** {@code label} names a row whose request alone does not say what it tries (null: the request says it). */
    record Case(String label, String method, String path, String type, byte[] body, List<String> headers, int status, String error) {
        @Override
        public String toString() {
            if (label != null) return method + " " + path + " " + label + " -> " + status + " " + error;
            String b = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            b = b.length() > 60 ? b.substring(0, 60) + "..." : b;
            return method + " " + path + " " + b.replaceAll("[^\\x20-\\x7E]", "?") + " -> " + status + " " + error;
        }
    }

    static final List<Case> CASES = new ArrayList<>();

    static void row(String method, String path, String type, String body, int status, String error, String... headers) {
        rowBytes(method, path, type, body == null ? null : body.getBytes(StandardCharsets.UTF_8), status, error, headers);
    }

    static void rowBytes(String method, String path, String type, byte[] body, int status, String error, String... headers) {
        CASES.add(new Case(null, method, path, type, body, List.of(headers), status, error));
    }

    static final String JSON = "application/json", FORM = "application/x-www-form-urlencoded";

    static byte[] withBytes(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8), c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }

    static {
        String pw = "\"password\":\"wrong-secret-123\"";
        // Malformed and truncated JSON
        row("POST", "/login", JSON, "{\"username\":\"agent\"", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":", 400, "invalid_request");
        row("POST", "/login", JSON, "{", 400, "invalid_request");
        row("POST", "/login", JSON, "", 400, "invalid_request");
        row("POST", "/login", JSON, "{'username':'agent'}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":\"agent\",}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":\"agent\"} trailing", 400, "invalid_request");
        row("POST", "/refresh", JSON, "{\"refresh_token\":\"abc", 400, "invalid_request");
        row("POST", "/logout", JSON, "{\"refresh_token\"", 400, "invalid_request");
        // Not an object, wrong types
        row("POST", "/login", JSON, "[]", 400, "invalid_request");
        row("POST", "/login", JSON, "[{\"username\":\"agent\"," + pw + "}]", 400, "invalid_request");
        row("POST", "/login", JSON, "null", 400, "invalid_request");
        row("POST", "/login", JSON, "\"agent\"", 400, "invalid_request");
        row("POST", "/login", JSON, "12345", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":[\"agent\"]," + pw + "}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":{\"$ne\":null},\"password\":{\"$ne\":null}}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":true," + pw + "}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":\"agent\",\"password\":12345678901234}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":\"agent\",\"password\":\"" + SECRET + "\",\"scope\":[\"read\"]}", 400, "invalid_request");
        row("POST", "/refresh", JSON, "{\"refresh_token\":123}", 400, "invalid_request");
        row("POST", "/refresh", JSON, "{\"refresh_token\":[\"a\",\"b\"]}", 400, "invalid_request");
        row("POST", "/logout", JSON, "{\"refresh_token\":{}}", 400, "invalid_request");
        // Missing and empty fields
        row("POST", "/login", JSON, "{}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":\"agent\"}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":\"\"," + pw + "}", 400, "invalid_request");
        row("POST", "/refresh", FORM, "", 400, "invalid_request");
        // Huge numbers and very long strings
        row("POST", "/login", JSON, "{\"username\":1e999999999," + pw + "}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":" + "9".repeat(5000) + "," + pw + "}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":\"" + "a".repeat(15_000) + "\"," + pw + "}", 401, "invalid_client");
        row("POST", "/login", JSON, "{\"username\":\"agent\",\"password\":\"" + "p".repeat(1025) + "\"}", 400, "invalid_request");
        row("POST", "/login", JSON, "{\"username\":\"agent\",\"password\":\"" + "p".repeat(17_000) + "\"}", 413, "request_too_large");
        row("POST", "/refresh", JSON, "{\"refresh_token\":\"" + "r".repeat(15_000) + "\"}", 401, "invalid_grant");
        row("POST", "/login", JSON, "[".repeat(8000) + "]".repeat(8000), 400, "invalid_request");
        row("POST", "/login", JSON, "{\"a\":".repeat(2500) + "1" + "}".repeat(2500), 400, "invalid_request");
        // NUL and control characters
        row("POST", "/login", JSON, "{\"username\":\"agent\\u0000\"," + pw + "}", 401, "invalid_client");
        row("POST", "/login", JSON, "{\"username\":\"agent\\r\\nX-Injected: 1\"," + pw + "}", 401, "invalid_client");
        row("POST", "/login", JSON, "{\"username\":\"agent\u0000\"," + pw + "}", 400, "invalid_request");
        row("POST", "/login", FORM, "username=agent%00&password=wrong-secret-123", 401, "invalid_client");
        row("POST", "/refresh", JSON, "{\"refresh_token\":\"\\u0000\\u001b[31m\"}", 401, "invalid_grant");
        // Invalid UTF-8
        rowBytes("POST", "/login", JSON, withBytes("{\"username\":\"", new byte[] {(byte) 0xC3, (byte) 0x28}, "\"," + pw + "}"), 400, "invalid_request");
        rowBytes("POST", "/login", JSON, withBytes("{\"username\":\"", new byte[] {(byte) 0xFF, (byte) 0xFE}, "\"," + pw + "}"), 400, "invalid_request");
        row("POST", "/login", FORM, "username=agent%C3%28&password=wrong-secret-123", 400, "invalid_request");
        rowBytes("POST", "/login", FORM, withBytes("username=", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "&password=x"), 400, "invalid_request");
        // SQL and JSON injection
        row("POST", "/login", JSON, "{\"username\":\"admin' OR '1'='1\"," + pw + "}", 401, "invalid_client");
        row("POST", "/login", JSON, "{\"username\":\"admin'--\",\"password\":\"' OR 1=1 --\"}", 401, "invalid_client");
        row("POST", "/login", JSON, "{\"username\":\"x'; DROP TABLE users; --\"," + pw + "}", 401, "invalid_client");
        row("POST", "/login", FORM, "username=agent%27%20OR%201%3D1--&password=x%27%20OR%20%271%27%3D%271", 401, "invalid_client");
        row("POST", "/login", JSON, "{\"username\":\"agent\\\",\\\"scope\\\":\\\"admin\"," + pw + "}", 401, "invalid_client");
        row("POST", "/refresh", JSON, "{\"refresh_token\":\"' OR ''='\"}", 401, "invalid_grant");
        row("POST", "/refresh", FORM, "refresh_token=x%27%29%3B%20DELETE%20FROM%20families%3B--", 401, "invalid_grant");
        row("POST", "/logout", JSON, "{\"refresh_token\":\"' OR 1=1; DELETE FROM refresh_tokens; --\"}", 204, null);
        // Duplicate keys
        row("POST", "/login", JSON, "{\"username\":\"agent\",\"username\":\"admin\"," + pw + "}", 400, "invalid_request");
        row("POST", "/login", FORM, "username=agent&username=admin&password=x", 400, "invalid_request");
        row("POST", "/refresh", JSON, "{\"refresh_token\":\"a\",\"refresh_token\":\"b\"}", 400, "invalid_request");
        row("POST", "/logout", FORM, "refresh_token=a&refresh_token=b", 400, "invalid_request");
        // Wrong content types
        row("POST", "/login", "text/plain", "{\"username\":\"agent\"," + pw + "}", 415, "unsupported_media_type");
        row("POST", "/login", null, "{\"username\":\"agent\"," + pw + "}", 415, "unsupported_media_type");
        row("POST", "/login", "application/xml", "<username>agent</username>", 415, "unsupported_media_type");
        row("POST", "/login", "multipart/form-data; boundary=x", "--x\r\n\r\nagent\r\n--x--", 415, "unsupported_media_type");
        row("POST", "/refresh", "application/json-patch+json", "[]", 415, "unsupported_media_type");
        // Header injection attempts that a client library lets through
        row("POST", "/login", JSON, "{\"username\":\"agent\"," + pw + "}", 401, "invalid_client", "X-Forwarded-For", "1.2.3.4");
        row("POST", "/login", "application/json; charset=utf-8; x=\"\\r\\n\"", "{\"username\":\"agent\"," + pw + "}", 401, "invalid_client");
        row("GET", "/me", null, null, 401, "invalid_token", "Authorization", "Bearer " + "%0d%0aSet-Cookie:x=1");
        // Wrong methods
        row("PUT", "/login", JSON, "{}", 405, "method_not_allowed");
        row("DELETE", "/refresh", null, null, 405, "method_not_allowed");
        row("GET", "/logout", null, null, 405, "method_not_allowed");
        row("POST", "/me", JSON, "{}", 405, "method_not_allowed");
        row("POST", "/.well-known/jwks.json", JSON, "{}", 405, "method_not_allowed");
        row("DELETE", "/.well-known/oauth-authorization-server", null, null, 405, "method_not_allowed");
        row("PATCH", "/health", JSON, "{}", 405, "method_not_allowed");
        row("GET", "/login/../me", null, null, 404, "not_found");
        // Bearer headers (the tokens themselves: HostileTokensTest)
        row("GET", "/me", null, null, 401, "invalid_token", "Authorization", "Bearer");
        row("GET", "/me", null, null, 401, "invalid_token", "Authorization", "Basic YWRtaW46YWRtaW4=");
        // The second outside probe (issue 13) and a new user's mistakes (issue 14)
        String login = "{\"username\":\"agent\"," + pw + "}";
        row("POST", "/login", JSON, login, 400, "invalid_request", "Origin", "https://evil.example");
        row("POST", "/login", JSON, login, 400, "invalid_request", "Origin", "null");
        row("POST", "/login", JSON, login, 400, "invalid_request", "Sec-Fetch-Site", "cross-site");
        row("POST", "/login", JSON, login, 400, "invalid_request", "X-HTTP-Method-Override", "GET");
        row("GET", "/health", null, null, 400, "invalid_request", "X-HTTP-Method", "DELETE");
        row("GET", "/.well-known/jwks.json", null, null, 400, "invalid_request", "X-Method-Override", "DELETE");
        row("GET", "/me", null, null, 400, "invalid_request", "Authorization", "Bearer a", "Authorization", "Bearer b");
        row("POST", "/login", JSON, "{\"username\":\"\u202Eadmin\u200B\\n" + "x".repeat(16_000) + "\"," + pw + "}", 401, "invalid_client");
        row("POST", "/login", JSON, login, 401, "invalid_client", "X-Forwarded-For", "999.999.999.999");
        row("POST", "/login", JSON, login, 401, "invalid_client", "X-Forwarded-For", "10.0.0.01, [2001:DB8:0::1], ::ffff:8.8.8.8");
        row("POST", "/login", FORM, login, 400, "invalid_request");
        row("POST", "/logout", JSON, "{\"refresh_token\":\"eyJ.eyJ.sig\"}", 400, "invalid_request");
    }

    /** The standard OAuth endpoints: only RFC 6749 §5.2 codes, even for bodies they cannot read. */
    static List<Case> oauthCases() {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("agent:" + SECRET).getBytes(StandardCharsets.UTF_8));
        List<Case> t = new ArrayList<>();
        t.add(new Case("a JSON body", "POST", "/oauth/token", JSON, "{\"grant_type\":\"client_credentials\"}".getBytes(StandardCharsets.UTF_8), List.of("Authorization", basic), 400, "invalid_request"));
        t.add(new Case("no grant_type", "POST", "/oauth/token", FORM, "scope=read".getBytes(StandardCharsets.UTF_8), List.of("Authorization", basic), 400, "invalid_request"));
        t.add(new Case("grant_type twice", "POST", "/oauth/token", FORM, "grant_type=client_credentials&grant_type=refresh_token".getBytes(StandardCharsets.UTF_8), List.of("Authorization", basic), 400, "invalid_request"));
        t.add(new Case("the password grant", "POST", "/oauth/token", FORM, "grant_type=password&username=agent&password=x".getBytes(StandardCharsets.UTF_8), List.of("Authorization", basic), 400, "unsupported_grant_type"));
        t.add(new Case("Basic that is not base64", "POST", "/oauth/token", FORM, "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8), List.of("Authorization", "Basic !!!*"), 401, "invalid_client"));
        t.add(new Case("Basic and a body secret at once", "POST", "/oauth/token", FORM, ("grant_type=client_credentials&client_id=agent&client_secret=" + SECRET).getBytes(StandardCharsets.UTF_8), List.of("Authorization", basic), 400, "invalid_request"));
        t.add(new Case("SQL in client_id", "POST", "/oauth/token", FORM, "grant_type=client_credentials&client_id=%27+OR+1%3D1+--&client_secret=whatever-secret".getBytes(StandardCharsets.UTF_8), List.of(), 400, "invalid_client"));
        t.add(new Case("a 15,000-character refresh token", "POST", "/oauth/token", FORM, ("grant_type=refresh_token&refresh_token=" + "r".repeat(15_000)).getBytes(StandardCharsets.UTF_8), List.of("Authorization", basic), 400, "invalid_grant"));
        t.add(new Case("a body over 16 KiB", "POST", "/oauth/token", FORM, ("grant_type=client_credentials&x=" + "a".repeat(20_000)).getBytes(StandardCharsets.UTF_8), List.of("Authorization", basic), 400, "invalid_request"));
        t.add(new Case("invalid UTF-8 in the form", "POST", "/oauth/token", FORM, withBytes("grant_type=client_credentials&scope=", new byte[] {(byte) 0xC3, (byte) 0x28}, ""), List.of("Authorization", basic), 400, "invalid_request"));
        t.add(new Case("no client authentication", "POST", "/oauth/introspect", FORM, "token=abc".getBytes(StandardCharsets.UTF_8), List.of(), 401, "invalid_client"));
        t.add(new Case("a client without introspect", "POST", "/oauth/introspect", FORM, "token=abc".getBytes(StandardCharsets.UTF_8), List.of("Authorization", basic), 403, "insufficient_scope"));
        t.add(new Case("a wrong secret", "POST", "/oauth/revoke", FORM, "token=abc".getBytes(StandardCharsets.UTF_8), List.of("Authorization", "Basic YWdlbnQ6d3Jvbmctc2VjcmV0LTEyMw=="), 401, "invalid_client"));
        t.add(new Case("from another site's page", "POST", "/oauth/token", FORM, "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8), List.of("Authorization", basic, "Origin", "https://evil.example"), 400, "invalid_request"));
        t.add(new Case("JSON sent as a form", "POST", "/oauth/token", FORM, "{\"grant_type\":\"client_credentials\"}".getBytes(StandardCharsets.UTF_8), List.of("Authorization", basic), 400, "invalid_request"));
        return t;
    }

    /** The admin API, with a valid admin token: the input is what is hostile. */
    List<Case> adminCases() {
        String auth = "Bearer " + http.login("admin", TestServer.ADMIN_PASSWORD).text("access_token");
        List<Case> t = new ArrayList<>();
        java.util.function.BiConsumer<String[], Object[]> add = (req, expect) -> t.add(new Case(null, req[0], req[1], req[2],
            req[3] == null ? null : req[3].getBytes(StandardCharsets.UTF_8), List.of("Authorization", auth), (Integer) expect[0], (String) expect[1]));
        add.accept(new String[] {"POST", "/admin/api/users", JSON, "{\"username\":\"x' OR '1'='1\",\"password\":\"long-enough-secret\",\"scopes\":[]}"}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"POST", "/admin/api/users", JSON, "{\"username\":\"eve\",\"password\":\"long-enough-secret\",\"scopes\":\"admin\"}"}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"POST", "/admin/api/users", JSON, "{\"username\":\"eve\",\"password\":\"long-enough-secret\",\"scopes\":[\"a b\"]}"}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"POST", "/admin/api/users", JSON, "{\"username\":\"eve\",\"password\":\"long-enough-secret\",\"enabled\":\"yes\"}"}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"POST", "/admin/api/users", JSON, "{\"username\":\"eve\",\"username\":\"admin\",\"password\":\"long-enough-secret\"}"}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"POST", "/admin/api/users", JSON, "{\"username\":\"AGENT\",\"password\":\"long-enough-secret\"}"}, new Object[] {409, "conflict"});
        add.accept(new String[] {"POST", "/admin/api/users", "text/plain", "username=eve"}, new Object[] {415, "unsupported_media_type"});
        add.accept(new String[] {"PATCH", "/admin/api/users/agent", JSON, "{\"scopes\":[1,2]}"}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"PATCH", "/admin/api/users/agent", JSON, "{\"password\":\"short\"}"}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"PATCH", "/admin/api/users/admin", JSON, "{\"enabled\":false}"}, new Object[] {409, "conflict"});
        add.accept(new String[] {"DELETE", "/admin/api/users/%00", null, null}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"GET", "/admin/api/users/..%2f..%2fetc%2fpasswd", null, null}, new Object[] {404, "not_found"});
        add.accept(new String[] {"GET", "/admin/api/audit?limit=-1", null, null}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"GET", "/admin/api/audit?limit=99999999999999999999", null, null}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"GET", "/admin/api/audit?before=abc", null, null}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"GET", "/admin/api/audit?type=%3Cscript%3E", null, null}, new Object[] {400, "invalid_request"});
        add.accept(new String[] {"POST", "/admin/api/keys/..%2f..%2fx/revoke", null, null}, new Object[] {404, "not_found"});
        t.add(new Case("X-HTTP-Method-Override: DELETE", "GET", "/admin/api/users/agent", null, null,
            List.of("Authorization", auth, "X-HTTP-Method-Override", "DELETE"), 400, "invalid_request"));
        t.add(new Case("X-HTTP-Method-Override: PATCH", "POST", "/admin/api/users/agent", JSON, "{\"enabled\":false}".getBytes(StandardCharsets.UTF_8),
            List.of("Authorization", auth, "X-HTTP-Method-Override", "PATCH"), 400, "invalid_request"));
        return t;
    }

    Stream<Arguments> cases() {
        List<Case> all = new ArrayList<>(CASES);
        all.addAll(oauthCases());
        all.addAll(adminCases());
        return all.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostile_input_gets_the_contract_error_and_changes_nothing(Case c) {
        String before = DbChecksum.of(server);
        Http.Response r = http.send(c.method(), c.path(), c.type(), c.body(), c.headers().toArray(String[]::new));
        assertEquals(c.status(), r.status(), r.body());
        if (c.error() != null) assertContractError(r, c.error());
        assertEquals(before, DbChecksum.of(server), "the users and token tables are unchanged");
    }

    static void assertContractError(Http.Response r, String error) {
        JsonNode body = r.json();
        Iterator<String> fields = body.fieldNames();
        List<String> names = new ArrayList<>();
        fields.forEachRemaining(names::add);
        assertEquals(List.of("error", "error_description"), names, r.body());
        assertEquals(error, body.get("error").asText());
        assertTrue(r.header("Content-Type").startsWith("application/json"));
        assertFalse(r.body().contains("Exception") || r.body().contains("at agentauth") || r.body().contains("java."), r.body());
    }

    /** Requests no HTTP client library would send: written byte for byte on a socket. */
    static Stream<Arguments> rawCases() {
        String login = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        return Stream.of(
            Arguments.of("two Content-Lengths (smuggling)", login + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}", 400, "invalid_request"),
            Arguments.of("Transfer-Encoding and Content-Length (smuggling)",
                login + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400, "invalid_request"),
            Arguments.of("a folded header line", "GET /me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\n b\r\n\r\n", 400, "invalid_request"),
            Arguments.of("a space in a header name", "GET /me HTTP/1.1\r\nHost: x\r\nAuthori zation: Bearer a\r\n\r\n", 400, "invalid_request"),
            Arguments.of("headers of 20 KB", "GET /me HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", 431, "request_too_large"),
            Arguments.of("NUL in the path", "GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid_request"),
            Arguments.of("an encoded traversal", "GET /admin/..%2f..%2fetc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"),
            Arguments.of("an unknown method", "BREW /login HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"),
            Arguments.of("a chunked body over 16 KiB", "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n4e20\r\n" + "{".repeat(20_000) + "\r\n0\r\n\r\n", 413, "request_too_large"),
            Arguments.of("Expect: 100-continue with a body over 16 KiB", login + "Content-Length: 20000\r\nExpect: 100-continue\r\n\r\n",
                413, "request_too_large"),
            Arguments.of("a body cut short of its Content-Length", login + "Content-Length: 100\r\n\r\n{\"username\"", 400, "invalid_request"),
            Arguments.of("a broken chunk", login + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"use\r\nzz\r\n", 400, "invalid_request"));
    }

    @ParameterizedTest(name = "raw: {0} -> {2} {3}")
    @MethodSource("rawCases")
    void malformed_http_gets_the_contract_error_too(String what, String request, int status, String error) throws Exception {
        String before = DbChecksum.of(server);
        java.net.URI base = java.net.URI.create(server.url());
        String response;
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(30_000); // a safety net: the answer is asserted, never a timeout
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.shutdownOutput();
            response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        if (body.matches("(?s)^[0-9a-fA-F]+\r\n.*")) body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("}") + 1);
        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        assertEquals(error, json.get("error").asText(), response);
        assertEquals(2, json.size(), response);
        assertFalse(response.contains("<html") || response.contains("Exception"), response);
        assertEquals(before, DbChecksum.of(server));
    }

    @org.junit.jupiter.api.Test
    void the_checksum_sees_what_a_login_writes() {
        String before = DbChecksum.of(server);
        assertEquals(200, http.login("agent", SECRET).status());
        assertFalse(before.equals(DbChecksum.of(server)), "a new session and a last login: a checksum that misses them proves nothing");
    }

    @org.junit.jupiter.api.Test
    void the_suite_has_at_least_60_hostile_inputs_and_its_control_refresh_works() {
        assertTrue(CASES.size() + rawCases().count() >= 60);
        assertEquals(200, http.postJson("/refresh", Http.json("refresh_token", refreshToken)).status());
    }
}
