package agentauth.http;

import agentauth.Config;
import agentauth.dpop.DpopProofs;
import agentauth.error.AuthError;
import agentauth.token.Jwks;
import agentauth.token.KeyRotation;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The public, unauthenticated documents: JWKS, RFC 8414 metadata, health (readiness and liveness). */
final class DiscoveryHandler {
    private final KeyRotation keys;
    private final BooleanSupplier storageHealthy;
    private final String issuer;
    private final Supplier<List<String>> resources; // a shared setting: may change while running
    private final DpopProofs dpop;                  // its mode is a shared setting too
    private volatile Metadata metadata;

    private record Metadata(List<String> resources, boolean withDpop, byte[] body) {}

    DiscoveryHandler(KeyRotation keys, BooleanSupplier storageHealthy, String issuer, Supplier<List<String>> resources,
                     DpopProofs dpop) {
        this.keys = keys;
        this.storageHealthy = storageHealthy;
        this.issuer = issuer;
        this.resources = resources;
        this.dpop = dpop;
    }

    /**
     * Cacheable until the set next changes, 5 minutes at most (contract F), with an ETag: a
     * verifier that caches it for its whole max-age never misses a key that starts to sign.
     */
    void jwks(Context ctx) {
        Jwks.Document d = keys.jwks();
        ctx.header("Cache-Control", "public, max-age=" + d.maxAgeSeconds());
        ctx.header("ETag", d.etag());
        if (d.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType("application/json").result(d.bytes());
    }

    void metadata(Context ctx) {
        List<String> now = resources.get();
        boolean withDpop = dpop.mode() != Config.DpopMode.OFF;
        Metadata m = metadata;
        if (m == null || !m.resources().equals(now) || m.withDpop() != withDpop)
            metadata = m = new Metadata(now, withDpop, metadata(issuer, now, withDpop));
        ctx.header("Cache-Control", "public, max-age=300");
        ctx.contentType("application/json").result(m.body());
    }

    /**
     * Readiness: 503 while the database does not answer, so a load balancer sends requests to
     * the instances that can serve them.
     */
    void health(Context ctx) {
        if (!storageHealthy.getAsBoolean()) throw new AuthError.TemporarilyUnavailable("The database does not answer.", 5, null);
        ctx.header("Cache-Control", "no-store");
        Json.write(ctx, 200, Map.of("status", "ok"));
    }

    /**
     * Liveness: 200 while the process serves HTTP, whatever the database does, so a container's
     * or systemd's health check does not restart every instance during a database outage.
     */
    void live(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        Json.write(ctx, 200, Map.of("status", "ok"));
    }

    /**
     * RFC 8414 §2: machine clients only, so no authorization endpoint, no response types, no
     * PKCE methods and no registration endpoint (clients are provisioned). No scopes_supported:
     * a scope means what a resource says it means, and each resource names its own in its RFC 9728
     * metadata (MCP clients read them there); listing every scope some agent holds would tell
     * them to anyone.
     */
    private static byte[] metadata(String issuer, List<String> resources, boolean withDpop) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("token_endpoint", issuer + "/oauth/token");
        m.put("jwks_uri", issuer + "/.well-known/jwks.json");
        m.put("revocation_endpoint", issuer + "/oauth/revoke");
        m.put("introspection_endpoint", issuer + "/oauth/introspect");
        m.put("agent_auth_revocations_uri", issuer + "/revocations");
        m.put("grant_types_supported", List.of("client_credentials", "refresh_token"));
        m.put("response_types_supported", List.of());
        List<String> auth = List.of("client_secret_basic", "client_secret_post");
        m.put("token_endpoint_auth_methods_supported", auth);
        m.put("revocation_endpoint_auth_methods_supported", auth);
        m.put("introspection_endpoint_auth_methods_supported", auth);
        // RFC 9728 §4: the services tokens may be issued for (RFC 8707 resource), as now set
        if (!resources.isEmpty()) m.put("protected_resources", resources);
        if (withDpop) m.put("dpop_signing_alg_values_supported", List.of("ES256")); // RFC 9449 §5.1
        return Json.bytes(m);
    }
}
