import agentauth.client.AgentAuthException;
import agentauth.client.InsufficientScopeException;
import agentauth.client.InvalidTokenException;
import agentauth.client.TokenClaims;
import agentauth.client.TokenVerifier;
import io.javalin.Javalin;

/**
 * A service (resource server) whose {@code GET /hello} takes only agent-auth access tokens
 * issued for it (RFC 8707: {@code aud} is its URL) with the scope {@code read}, verified offline
 * against the server's published keys. It publishes its RFC 9728 metadata, and its 401s name
 * it, so a client (an MCP client, say) can find the auth server from a 401 alone.
 *
 * <pre>
 * AGENT_AUTH_ISSUER=http://127.0.0.1:8080 SERVICE_URL=http://127.0.0.1:8081 PORT=8081 \
 * java -cp "agent-auth-client.jar:javalin-jars/*" ServiceExample.java
 * </pre>
 * (the auth server must serve this resource: {@code --resource http://127.0.0.1:8081})
 */
public class ServiceExample {
    public static void main(String[] args) {
        TokenVerifier verifier = TokenVerifier.forIssuer(System.getenv("AGENT_AUTH_ISSUER"))
                .audience(System.getenv("SERVICE_URL")) // this service's public URL
                .scopesSupported("read")
                .build();
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get("/hello", ctx -> {
                TokenClaims claims = verifier.verify(ctx.method().name(), java.net.URI.create(ctx.url()),
                        ctx.header("Authorization"), ctx.header("DPoP")).requireScope("read");
                ctx.result("hello " + claims.subject());
            });
            // RFC 9728: where clients learn which auth server issues tokens for this service
            config.routes.get(verifier.resourceMetadataUrl().getPath(),
                    ctx -> ctx.contentType("application/json").result(verifier.resourceMetadata()));
            config.routes.exception(InvalidTokenException.class, (e, ctx) -> ctx.status(401)
                    .header("WWW-Authenticate", verifier.challenge(e)).result(e.getMessage()));
            config.routes.exception(InsufficientScopeException.class, (e, ctx) -> ctx.status(403)
                    .header("WWW-Authenticate", verifier.challenge(e)).result(e.getMessage()));
            // keys or revocation list out of reach: a service outage, not the caller's fault
            config.routes.exception(AgentAuthException.class, (e, ctx) -> ctx.status(503)
                    .header("Retry-After", "5").result("cannot verify tokens right now"));
        }).start("127.0.0.1", Integer.parseInt(System.getenv().getOrDefault("PORT", "8081")));
        System.out.println("service listening on http://127.0.0.1:" + app.port());
    }
}
