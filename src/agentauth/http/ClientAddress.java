package agentauth.http;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.util.List;

/**
 * The client's address for the audit log and throttling. Behind a reverse proxy every request
 * comes from the proxy, so only peers inside --trusted-proxy may name the client with
 * X-Forwarded-For; the address taken is the right-most one not itself a trusted proxy.
 */
public final class ClientAddress {
    private final List<Cidr> trusted;

    public ClientAddress(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    public String of(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        if (trusted.isEmpty() || !isTrusted(peer)) return peer;
        String forwarded = ctx.header("X-Forwarded-For");
        if (forwarded == null) return peer;
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!isLiteral(hop)) return peer; // garbage in the header: trust only the peer
            if (!isTrusted(hop)) return hop;
        }
        return peer;
    }

    private boolean isTrusted(String address) {
        try {
            InetAddress a = InetAddress.getByAddress(Cidr.literal(address, address));
            for (Cidr c : trusted) if (c.contains(a)) return true;
            return false;
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean isLiteral(String s) {
        try {
            Cidr.literal(s, s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
