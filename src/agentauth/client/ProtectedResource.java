package agentauth.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A protected service as its RFC 9728 metadata describes it, found the way an MCP client finds
 * it: from the service's 401. No secret is sent anywhere while discovering.
 *
 * <pre>{@code
 * ProtectedResource mcp = ProtectedResource.discover("https://tools.example.com/mcp", "POST",
 *         List.of("https://auth.example.com"));
 * AgentAuthClient auth = AgentAuthClient.builder().server(mcp.server()).resource(mcp.resource())...
 * }</pre>
 *
 * @param server the agent-auth server, one of those given, that issues tokens for the service
 * @param resource the service's resource identifier, to ask tokens for (RFC 8707)
 * @param scopes the scopes the service asks for: its 401's {@code scope}, else its
 *     {@code scopes_supported}; maybe empty
 */
public record ProtectedResource(String server, String resource, List<String> scopes) {
    private static final Pattern METADATA_LINK = Pattern.compile("(?:^|[\\s,])resource_metadata\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern SCOPE = Pattern.compile("(?:^|[\\s,])scope\\s*=\\s*\"([^\"]*)\"");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Copies the scopes. */
    public ProtectedResource {
        scopes = List.copyOf(scopes);
    }

    /**
     * Discovers the service at {@code url}: sends {@code method url} without a token, reads the
     * 401's {@code WWW-Authenticate: Bearer resource_metadata="..."} (RFC 9728 §5.1), or when it
     * has none the service's well-known metadata URLs (§3.1: with the path, then without). The
     * metadata's {@code resource} must be {@code url} or a prefix of its path on the same origin.
     * Of its {@code authorization_servers}, the first that is in {@code servers} is chosen, and
     * its RFC 8414 metadata must name it as {@code issuer}.
     *
     * <p>{@code servers} are the servers this agent holds credentials for. A service may name any
     * server, and the agent's secret must only go to one it was given, so a server the agent
     * does not know is never chosen. Redirects are not followed. Thread-safe (no state).
     *
     * @param url the service's URL, e.g. an MCP endpoint
     * @param method the method to ask it with, e.g. {@code POST} for an MCP endpoint
     * @param servers the agent-auth servers (base URLs) this agent may send its secret to
     * @return what the service's metadata says, with the server chosen
     * @throws AuthProtocolException the service is not protected (no 401), its metadata is
     *     missing, invalid or for another URL, or it names none of {@code servers}
     * @throws ServerUnavailableException a network error, 429 or 5xx
     * @throws IllegalArgumentException {@code url} or a server is not an absolute http(s) URL
     */
    public static ProtectedResource discover(String url, String method, List<String> servers) {
        URI target = Urls.absolute(url, "url");
        List<String> trusted = servers.stream().map(s -> Urls.base(s, "server").toString()).toList();
        if (trusted.isEmpty()) throw new IllegalArgumentException("servers must name at least one server");
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        IssuerDocuments documents = new IssuerDocuments(null, http, TIMEOUT);

        String challenges = String.join(", ", challenge(http, target, method));
        Matcher link = METADATA_LINK.matcher(challenges);
        List<URI> candidates = link.find()
                ? List.of(served(link.group(1), "the resource_metadata link"))
                : wellKnown(target, "oauth-protected-resource");
        Map<String, Object> metadata = first(documents, candidates);
        String resource = JsonReader.string(metadata, "resource");
        if (resource == null || !covers(served(resource, "resource"), target)) {
            throw new AuthProtocolException("the metadata of " + url + " is for " + resource + " (RFC 9728 §3.3)", 200);
        }
        List<String> named = strings(metadata.get("authorization_servers"));
        String chosen = named.stream().filter(n -> trusted.contains(stripSlash(n))).findFirst()
                .orElseThrow(() -> new AuthProtocolException(resource + " takes tokens from " + named
                        + ", none of the servers this agent may send its secret to " + trusted, 200));
        URI serverMetadata = wellKnown(served(chosen, "the server"), "oauth-authorization-server").get(0);
        // RFC 8414 §3.3, but a trailing slash apart: metadata written by URL libraries often adds one
        String issuer = JsonReader.string(documents.get(serverMetadata, "the server metadata", null).json(), "issuer");
        if (issuer == null || !stripSlash(chosen).equals(stripSlash(issuer))) {
            throw new AuthProtocolException("the metadata at " + serverMetadata + " names another issuer than " + chosen, 200);
        }
        Matcher scope = SCOPE.matcher(challenges);
        List<String> scopes = scope.find() ? List.of(scope.group(1).trim().split("\\s+")) : strings(metadata.get("scopes_supported"));
        return new ProtectedResource(stripSlash(chosen), resource, scopes);
    }

    /** The service's {@code WWW-Authenticate} values, from the 401 it must answer without a token. */
    private static List<String> challenge(HttpClient http, URI target, String method) {
        HttpResponse<Void> response;
        try {
            response = http.send(HttpRequest.newBuilder(target).timeout(TIMEOUT)
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new ServerUnavailableException("cannot reach " + target + ": " + e, null, null, e);
        } catch (InterruptedException e) {
            throw Retry.interrupted("discovery");
        }
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new ServerUnavailableException(target + " answered " + status, null, null, null);
        }
        if (status != 401) {
            throw new AuthProtocolException(method + " " + target + " answered " + status + " without a token, not 401", status);
        }
        return response.headers().allValues("WWW-Authenticate");
    }

    /** A URL the service sent: one it got wrong is the service's fault, not the caller's. */
    private static URI served(String url, String what) {
        try {
            return Urls.absolute(url, what);
        } catch (IllegalArgumentException e) {
            throw new AuthProtocolException("the service's metadata is wrong: " + e.getMessage(), 200);
        }
    }

    private static Map<String, Object> first(IssuerDocuments documents, List<URI> candidates) {
        AuthProtocolException last = null;
        for (URI candidate : candidates) {
            try {
                return documents.get(candidate, "the resource metadata", null).json();
            } catch (AuthProtocolException e) {
                last = e;
            }
        }
        throw last;
    }

    /** RFC 8414 §3.1 and RFC 9728 §3.1: /.well-known/name between the host and the path. */
    private static List<URI> wellKnown(URI url, String name) {
        String path = stripSlash(url.getRawPath() == null ? "" : url.getRawPath());
        String root = url.getScheme() + "://" + url.getRawAuthority() + "/.well-known/" + name;
        return path.isEmpty() ? List.of(URI.create(root)) : List.of(URI.create(root + path), URI.create(root));
    }

    /** The resource is the URL or a prefix of its path, on the same origin. */
    private static boolean covers(URI resource, URI url) {
        if (resource.getScheme() == null || !resource.getScheme().equalsIgnoreCase(url.getScheme())
                || resource.getRawAuthority() == null || !resource.getRawAuthority().equalsIgnoreCase(url.getRawAuthority())
                || resource.getRawQuery() != null || resource.getRawFragment() != null) {
            return false;
        }
        String prefix = stripSlash(resource.getRawPath() == null ? "" : resource.getRawPath());
        String path = stripSlash(url.getRawPath() == null ? "" : url.getRawPath());
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String s) out.add(s);
            }
        }
        return out;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
