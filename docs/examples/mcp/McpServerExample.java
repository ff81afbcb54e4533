import agentauth.client.AgentAuthException;
import agentauth.client.InsufficientScopeException;
import agentauth.client.InvalidTokenException;
import agentauth.client.TokenClaims;
import agentauth.client.TokenVerifier;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A minimal MCP-style server: JSON-RPC 2.0 at {@code POST /mcp} with one tool, {@code whoami},
 * for agent-auth access tokens issued for it (RFC 8707: {@code aud} is its URL) with the scope
 * {@code tools}. Its 401 names its RFC 9728 metadata, and the metadata names the auth server,
 * so an MCP client finds where to get a token from the 401 alone.
 *
 * <pre>
 * AGENT_AUTH_ISSUER=http://127.0.0.1:8080 MCP_URL=http://127.0.0.1:8081/mcp PORT=8081 \
 * java -cp "agent-auth-client.jar:javalin-and-jackson-jars/*" McpServerExample.java
 * </pre>
 * (the auth server must serve this resource: {@code --resource http://127.0.0.1:8081/mcp})
 */
public class McpServerExample {
    public static void main(String[] args) {
        String mcpUrl = System.getenv("MCP_URL");
        TokenVerifier verifier = TokenVerifier.forIssuer(System.getenv("AGENT_AUTH_ISSUER"))
                .audience(mcpUrl) // tokens for this server only
                .scopesSupported("tools")
                .build();
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.post("/mcp", ctx -> {
                TokenClaims claims = verifier.verify(ctx.method().name(), URI.create(ctx.url()),
                        ctx.header("Authorization"), ctx.header("DPoP")).requireScope("tools");
                answer(ctx, ctx.bodyAsClass(Map.class), claims);
            });
            // RFC 9728: /.well-known/oauth-protected-resource/mcp names the auth server
            config.routes.get(verifier.resourceMetadataUrl().getPath(),
                    ctx -> ctx.contentType("application/json").result(verifier.resourceMetadata()));
            config.routes.exception(InvalidTokenException.class, (e, ctx) -> ctx.status(401)
                    .header("WWW-Authenticate", verifier.challenge(e)).result(e.getMessage()));
            config.routes.exception(InsufficientScopeException.class, (e, ctx) -> ctx.status(403)
                    .header("WWW-Authenticate", verifier.challenge(e)).result(e.getMessage()));
            config.routes.exception(AgentAuthException.class, (e, ctx) -> ctx.status(503)
                    .header("Retry-After", "5").result("cannot verify tokens right now"));
        }).start("127.0.0.1", Integer.parseInt(System.getenv().getOrDefault("PORT", "8081")));
        System.out.println("MCP server listening on http://127.0.0.1:" + app.port());
    }

    /** JSON-RPC 2.0: a result for the methods and the tool this server has, else an error. */
    private static void answer(Context ctx, Map<?, ?> call, TokenClaims caller) {
        if (!call.containsKey("id")) { // a notification: nothing to answer
            ctx.status(202);
            return;
        }
        Object result = switch (String.valueOf(call.get("method"))) {
            case "initialize" -> Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of("tools", Map.of()),
                    "serverInfo", Map.of("name", "agent-auth-example", "version", "1"));
            case "tools/list" -> Map.of("tools", List.of(Map.of("name", "whoami",
                    "description", "Who the calling agent is", "inputSchema", Map.of("type", "object"))));
            case "tools/call" -> call.get("params") instanceof Map<?, ?> p && "whoami".equals(p.get("name"))
                    ? Map.of("content", List.of(Map.of("type", "text", "text", "you are " + caller.subject())))
                    : null;
            default -> null;
        };
        ctx.json(result != null
                ? Map.of("jsonrpc", "2.0", "id", call.get("id"), "result", result)
                : Map.of("jsonrpc", "2.0", "id", call.get("id"), "error", Map.of("code", -32601, "message", "Method not found")));
    }
}
