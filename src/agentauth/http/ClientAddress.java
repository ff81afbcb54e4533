package agentauth.http;

import agentauth.net.Cidr;
import agentauth.net.IpAddress;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The client's address for the audit log and throttling, in canonical form (one client, one
 * key). Behind a reverse proxy every request comes from the proxy, so only peers inside
 * --trusted-proxy may name the client with X-Forwarded-For. Every line of the header counts, in
 * order (a client may send a line of its own before the proxy's), and the address taken is the
 * right-most hop that is not itself a trusted proxy.
 */
public final class ClientAddress {
    private static final String ATTRIBUTE = ClientAddress.class.getName();
    private final List<Cidr> trusted;

    public ClientAddress(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** The request's client address: worked out at the first call for a request (RequestTracking's), then kept with it. */
    public String of(Context ctx) {
        String known = ctx.attribute(ATTRIBUTE);
        if (known != null) return known;
        String address = resolve(ctx);
        ctx.attribute(ATTRIBUTE, address);
        return address;
    }

    private String resolve(Context ctx) {
        String raw = ctx.req().getRemoteAddr();
        Optional<byte[]> peerBytes = IpAddress.parse(raw);
        String peer = peerBytes.map(IpAddress::format).orElse(raw);
        if (trusted.isEmpty() || peerBytes.isEmpty() || !isTrusted(peerBytes.get())) return peer;
        List<String> hops = forwardedHops(ctx);
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<byte[]> hop = IpAddress.parse(hops.get(i));
            if (hop.isEmpty()) return peer; // garbage in the header: trust only the peer
            if (!isTrusted(hop.get())) return IpAddress.format(hop.get());
        }
        return peer;
    }

    /** All X-Forwarded-For lines joined in order (RFC 9110 §5.3), split into trimmed hops. */
    private static List<String> forwardedHops(Context ctx) {
        List<String> hops = new ArrayList<>();
        for (String line : Collections.list(ctx.req().getHeaders("X-Forwarded-For")))
            for (String hop : line.split(",", -1)) hops.add(hop.trim());
        return hops;
    }

    private boolean isTrusted(byte[] address) {
        for (Cidr c : trusted) if (c.contains(address)) return true;
        return false;
    }
}
