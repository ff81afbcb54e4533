package agentauth.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agentauth.store.AuditLog;
import agentauth.support.Http;
import agentauth.support.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --trusted-proxy: only those peers may name the client; audit and throttle use that address. */
class TrustedProxyTest {
    static final String SECRET = "proxy-agent-secret";

    static Http.Response login(Http http, String secret, String forwardedFor) {
        return http.postJson("/login", Http.json("username", "agent", "password", secret), "X-Forwarded-For", forwardedFor);
    }

    static List<String> failedFrom(TestServer server) {
        return server.app().audit().list(100, null, null, "login_failed").events().stream().map(AuditLog.Event::address).toList();
    }

    @Test
    void a_trusted_proxy_names_the_client_for_the_audit_log_and_the_throttle() {
        try (TestServer server = TestServer.start("--trusted-proxy", "127.0.0.0/8")) {
            server.createUser("agent", SECRET);
            Http http = new Http(server.url());
            for (int i = 0; i < 5; i++) assertEquals(401, login(http, "wrong-secret-1", "198.51.100.7").status());
            assertEquals(429, login(http, SECRET, "198.51.100.7").status());
            assertEquals(200, login(http, SECRET, "198.51.100.8").status(), "another client behind the same proxy");
            assertEquals(List.of("198.51.100.7"), failedFrom(server).stream().distinct().toList());
            assertEquals("198.51.100.8", server.app().audit().list(1, null, null, "login").events().get(0).address());
        }
    }

    @Test
    void the_right_most_untrusted_hop_is_the_client_and_a_spoofed_left_part_is_ignored() {
        try (TestServer server = TestServer.start("--trusted-proxy", "127.0.0.1/32", "--trusted-proxy", "10.0.0.0/8")) {
            server.createUser("agent", SECRET);
            Http http = new Http(server.url());
            login(http, "wrong-secret-1", "1.2.3.4, 198.51.100.9, 10.1.2.3");
            assertEquals(List.of("198.51.100.9"), failedFrom(server));
        }
    }

    @Test
    void garbage_in_x_forwarded_for_falls_back_to_the_peer() {
        try (TestServer server = TestServer.start("--trusted-proxy", "127.0.0.1/32")) {
            server.createUser("agent", SECRET);
            Http http = new Http(server.url());
            login(http, "wrong-secret-1", "198.51.100.9, evil.example");
            login(http, "wrong-secret-1", "unknown");
            assertEquals(List.of("127.0.0.1", "127.0.0.1"), failedFrom(server));
        }
    }

    @Test
    void an_untrusted_peer_cannot_name_the_client_nor_dodge_the_throttle_with_the_header() {
        try (TestServer server = TestServer.start("--trusted-proxy", "10.0.0.0/8")) {
            server.createUser("agent", SECRET);
            Http http = new Http(server.url());
            for (int i = 0; i < 5; i++) assertEquals(401, login(http, "wrong-secret-1", "198.51.100." + i).status());
            assertEquals(429, login(http, SECRET, "198.51.100.99").status(), "a fresh X-Forwarded-For buys nothing");
            assertEquals(List.of("127.0.0.1"), failedFrom(server).stream().distinct().toList());
        }
    }

    /** Java's HttpClient folds repeated headers, so two header lines go out on a raw socket. */
    static String rawLogin(TestServer server, String secret, String... forwardedLines) {
        StringBuilder headers = new StringBuilder();
        for (String line : forwardedLines) headers.append("X-Forwarded-For: ").append(line).append("\r\n");
        String body = Http.json("username", "agent", "password", secret);
        return agentauth.support.RawRequest.exchange(server.url(), "POST /login HTTP/1.1\r\nHost: x\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n" + headers
            + "Connection: close\r\n\r\n" + body);
    }

    @Test
    void every_x_forwarded_for_line_counts_so_a_client_line_before_the_proxys_cannot_choose_the_address() {
        try (TestServer server = TestServer.start("--trusted-proxy", "127.0.0.1/32")) {
            server.createUser("agent", SECRET);
            rawLogin(server, "wrong-secret-1", "203.0.113.66", "198.51.100.9");
            assertEquals(List.of("198.51.100.9"), failedFrom(server), "the proxy's own line is the right-most");
        }
    }

    @Test
    void spellings_of_one_address_are_one_client_for_the_throttle_and_the_audit_log() {
        try (TestServer server = TestServer.start("--trusted-proxy", "127.0.0.1/32")) {
            server.createUser("agent", SECRET);
            Http http = new Http(server.url());
            for (String spelling : List.of("2001:DB8:0::1", "[2001:db8::1]", "2001:db8:0:0:0:0:0:1", "2001:db8::0:1",
                                           "2001:0db8::1"))
                assertEquals(401, login(http, "wrong-secret-1", spelling).status());
            assertEquals(429, login(http, SECRET, "2001:db8::1").status(), "five failures from one client");
            assertEquals(List.of("2001:db8::1"), failedFrom(server).stream().distinct().toList());
            assertEquals(401, login(http, "wrong-secret-1", "::ffff:8.8.8.8").status());
            assertEquals("8.8.8.8", failedFrom(server).get(0), "an IPv4-mapped address is the IPv4 address");
        }
    }

    @Test
    void malformed_or_ambiguous_literals_are_garbage_and_never_looked_up() {
        try (TestServer server = TestServer.start("--trusted-proxy", "127.0.0.1/32")) {
            server.createUser("agent", SECRET);
            Http http = new Http(server.url());
            for (String bad : List.of("999.999.999.999", "10.0.0.01", "1.2.3", "2001:db8::1::2", "fe80::1%eth0", "0x7f.1.1.1"))
                login(http, "wrong-secret-1", bad);
            assertEquals(List.of("127.0.0.1"), failedFrom(server).stream().distinct().toList());
        }
    }
}
