package agentauth.http;

/**
 * What the server learns about one request on its way through, for its metrics and its access
 * log line: set by {@link RequestScope} when it arrives, completed by {@link RequestTracking}
 * once Javalin has answered it (a request Jetty answers alone, a body too slow, keeps the
 * defaults). Fields are written by one thread at a time, in order, and read at completion.
 */
public final class Exchange {
    /** The route label of a request that never reached the route table (a body that came too slowly). */
    public static final String UNROUTED = "unrouted";
    /** The route label of a request no route matched (404, 405). */
    public static final String UNMATCHED = "unmatched";

    final String id;
    final String method;
    final String path;  // raw, without the query: for the access log only, never a label
    volatile String clientIp;
    volatile String route = UNROUTED;
    volatile String grant; // token endpoints only
    volatile String error; // the OAuth error code of a refused request
    volatile String sub;
    volatile String jti;

    Exchange(String id, String method, String path, String peer) {
        this.id = id;
        this.method = method;
        this.path = path;
        this.clientIp = peer;
    }

    public String id() {
        return id;
    }
}
