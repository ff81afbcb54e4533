import agentauth.client.AgentAuthClient;
import agentauth.client.ProtectedResource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * The Java twin of mcp_agent.py: asks the MCP server without a token, learns from the 401 which
 * auth server issues its tokens and for which resource (RFC 9728), gets a token for that server
 * alone (RFC 8707) and calls its {@code whoami} tool. Needs only agent-auth-client.jar.
 *
 * <pre>
 * AGENT_AUTH_SERVER=http://127.0.0.1:8080 AGENT_AUTH_USERNAME=agent-1 AGENT_AUTH_PASSWORD='its secret' \
 * MCP_URL=http://127.0.0.1:8081/mcp java -cp agent-auth-client.jar McpAgentExample.java
 * </pre>
 */
public class McpAgentExample {
    public static void main(String[] args) throws Exception {
        String mcpUrl = System.getenv("MCP_URL");
        // the servers this agent holds credentials for: its secret goes to no other
        int status;
        ProtectedResource found = ProtectedResource.discover(mcpUrl, "POST", List.of(System.getenv("AGENT_AUTH_SERVER")));
        System.out.println("tokens for " + found.resource() + " come from " + found.server());
        try (AgentAuthClient auth = AgentAuthClient.builder()
                .server(found.server())
                .username(System.getenv("AGENT_AUTH_USERNAME"))
                .secret(System.getenv("AGENT_AUTH_PASSWORD"))
                .resource(found.resource())
                .build()) {
            String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\",\"arguments\":{}}}";
            HttpResponse<String> reply = auth.send(HttpRequest.newBuilder(URI.create(mcpUrl))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(call)), HttpResponse.BodyHandlers.ofString());
            status = reply.statusCode();
            System.out.println(status + " " + reply.body());
        } // close() logs out: the session ends on the server
        System.exit(status == 200 ? 0 : 1);
    }
}
