package agentauth.http;

import static agentauth.http.OAuthTokenTest.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import agentauth.support.Http;
import agentauth.support.TestServer;
import com.auth0.jwt.JWT;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 8414 metadata as an MCP client reads it (client-credentials extension): what it says is
 * what the token endpoint does, and it claims nothing the server does not do.
 */
class ServerMetadataTest {
    static final String TOOLS = "https://tools.example.test/mcp";
    static final String REPORTS = "https://reports.example.test";
    static final String SECRET = "metadata-agent-secret";
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start("--resource", TOOLS, "--resource", REPORTS);
        server.createUser("metadata-agent", SECRET, "read");
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode metadata() {
        return http.get("/.well-known/oauth-authorization-server").json();
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Test
    void it_names_the_grants_client_authentications_and_resources_the_server_has() {
        JsonNode m = metadata();
        assertEquals(List.of("client_credentials", "refresh_token"), strings(m.get("grant_types_supported")));
        assertEquals(List.of("client_secret_basic", "client_secret_post"),
                strings(m.get("token_endpoint_auth_methods_supported")));
        assertEquals(List.of(TOOLS, REPORTS), strings(m.get("protected_resources")));
        assertEquals(List.of(), strings(m.get("response_types_supported")));
    }

    @Test
    void it_claims_no_browser_flow_registration_or_scope_list() {
        JsonNode m = metadata();
        for (String absent : List.of("authorization_endpoint", "code_challenge_methods_supported",
                "registration_endpoint", "scopes_supported", "client_id_metadata_document_supported")) {
            assertNull(m.get(absent), absent + " in " + m);
        }
    }

    /** An MCP client follows the metadata alone: both authentications, each advertised resource. */
    @Test
    void the_advertised_token_endpoint_issues_tokens_for_each_advertised_resource() {
        JsonNode m = metadata();
        String tokenPath = URI.create(m.get("token_endpoint").asText()).getPath();
        for (String resource : strings(m.get("protected_resources"))) {
            Http.Response viaBasic = http.postForm(tokenPath,
                    Http.form("grant_type", "client_credentials", "resource", resource, "scope", "read"),
                    "Authorization", basic("metadata-agent", SECRET));
            Http.Response viaPost = http.postForm(tokenPath, Http.form("grant_type", "client_credentials",
                    "client_id", "metadata-agent", "client_secret", SECRET, "resource", resource, "scope", "read"));
            for (Http.Response r : List.of(viaBasic, viaPost)) {
                assertEquals(200, r.status(), r.body());
                assertEquals(List.of(resource), JWT.decode(r.text("access_token")).getAudience());
            }
        }
    }

    @Test
    void protected_resources_follow_a_change_of_the_shared_setting_and_vanish_when_none_is_left() {
        try (TestServer own = TestServer.start("--resource", TOOLS)) {
            Http ownHttp = new Http(own.url());
            assertEquals(List.of(TOOLS), strings(ownHttp.get("/.well-known/oauth-authorization-server").json()
                    .get("protected_resources")));
            // what `agent-auth settings set resource ...` does on every instance
            own.app().api().entitlements().resources(List.of(REPORTS));
            assertEquals(List.of(REPORTS), strings(ownHttp.get("/.well-known/oauth-authorization-server").json()
                    .get("protected_resources")));
            own.app().api().entitlements().resources(List.of());
            assertFalse(ownHttp.get("/.well-known/oauth-authorization-server").json().has("protected_resources"));
        }
    }

    /** RFC 8414 §3.1: an issuer behind a proxy prefix has its metadata at the well-known path + prefix. */
    @Test
    void an_issuer_with_a_path_is_also_described_where_rfc_8414_clients_look() {
        String issuer = "http://127.0.0.1:9/tenant-a";
        try (TestServer prefixed = TestServer.start("--issuer", issuer)) {
            Http direct = new Http("http://127.0.0.1:" + prefixed.app().port());
            for (String path : List.of("/.well-known/oauth-authorization-server",
                    "/.well-known/oauth-authorization-server/tenant-a")) {
                Http.Response r = direct.get(path);
                assertEquals(200, r.status(), path);
                assertEquals(issuer, r.text("issuer"), path);
                assertEquals(issuer + "/oauth/token", r.text("token_endpoint"), path);
            }
            assertEquals(404, direct.get("/.well-known/oauth-authorization-server/tenant-b").status());
        }
    }
}
