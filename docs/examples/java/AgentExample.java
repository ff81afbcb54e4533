import agentauth.client.AgentAuthClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * An agent that calls a protected service with an agent-auth access token issued for that
 * service (RFC 8707 resource). The client logs in on the first call, refreshes ahead of
 * expiry, retries a call once after a 401, and with {@code .dpop()} binds its tokens to a key
 * that never leaves the process.
 *
 * <pre>
 * AGENT_AUTH_SERVER=http://127.0.0.1:8080 AGENT_AUTH_USERNAME=agent-1 AGENT_AUTH_PASSWORD='its secret' \
 * SERVICE_URL=http://127.0.0.1:8081 java -cp agent-auth-client.jar AgentExample.java
 * </pre>
 */
public class AgentExample {
    public static void main(String[] args) throws Exception {
        String service = System.getenv("SERVICE_URL");
        int status;
        try (AgentAuthClient auth = AgentAuthClient.builder()
                .server(System.getenv("AGENT_AUTH_SERVER"))
                .username(System.getenv("AGENT_AUTH_USERNAME"))
                .secret(System.getenv("AGENT_AUTH_PASSWORD")) // from the environment, never in code
                .scopes("read")
                .resource(service) // the token's audience: this service only
                .build()) {
            HttpResponse<String> response = auth.send(HttpRequest.newBuilder(URI.create(service + "/hello")),
                    HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            System.out.println(status + " " + response.body());
        } // close() logs out: the session ends on the server
        System.exit(status == 200 ? 0 : 1);
    }
}
