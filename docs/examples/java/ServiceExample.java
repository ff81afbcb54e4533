import agentauth.client.AgentAuthException;
import agentauth.client.InsufficientScopeException;
import agentauth.client.InvalidTokenException;
import agentauth.client.TokenClaims;
import agentauth.client.TokenVerifier;
import io.javalin.Javalin;

/**
 * A service (resource server) whose {@code GET /hello} takes only agent-auth access tokens with
 * the scope {@code read}, verified offline against the server's published keys.
 *
 * <pre>
 * AGENT_AUTH_ISSUER=http://127.0.0.1:8080 PORT=8081 \
 * java -cp "agent-auth-client.jar:javalin-jars/*" ServiceExample.java
 * </pre>
 */
public class ServiceExample {
    public static void main(String[] args) {
        String issuer = System.getenv("AGENT_AUTH_ISSUER");
        TokenVerifier verifier = TokenVerifier.forIssuer(issuer)
                // the tokens' aud: the issuer, or this service's URL if agents ask for it as a resource
                .audience(System.getenv().getOrDefault("SERVICE_AUDIENCE", issuer))
                .build();
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get("/hello", ctx -> {
                TokenClaims claims = verifier.verifyAuthorizationHeader(ctx.header("Authorization"))
                        .requireScope("read");
                ctx.result("hello " + claims.subject());
            });
            config.routes.exception(InvalidTokenException.class, (e, ctx) -> ctx.status(401)
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\"").result(e.getMessage()));
            config.routes.exception(InsufficientScopeException.class, (e, ctx) -> ctx.status(403)
                    .header("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + e.scope() + "\"")
                    .result(e.getMessage()));
            // the keys could not be fetched: a service outage, not the caller's fault
            config.routes.exception(AgentAuthException.class, (e, ctx) -> ctx.status(503)
                    .header("Retry-After", "5").result("cannot verify tokens right now"));
        }).start("127.0.0.1", Integer.parseInt(System.getenv().getOrDefault("PORT", "8081")));
        System.out.println("service listening on http://127.0.0.1:" + app.port());
    }
}
