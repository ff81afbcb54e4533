package agentauth.net;

import java.net.InetAddress;

/** An address range such as 10.0.0.0/8 or ::1/128, for --trusted-proxy. */
public record Cidr(byte[] network, int prefix) {
    public static Cidr parse(String s) {
        String[] parts = s.trim().split("/", -1);
        if (parts.length > 2) throw new IllegalArgumentException("'" + s + "' is not a CIDR like 10.0.0.0/8");
        byte[] addr = IpAddress.parse(parts[0])
            .orElseThrow(() -> new IllegalArgumentException("'" + s + "' is not an IP address range"));
        int max = addr.length * 8, prefix = max;
        if (parts.length == 2) {
            try { prefix = Integer.parseInt(parts[1]); } catch (NumberFormatException e) { prefix = -1; }
            if (prefix < 0 || prefix > max) throw new IllegalArgumentException("bad prefix length in '" + s + "'");
        }
        return new Cidr(addr, prefix);
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    public boolean contains(byte[] a) {
        if (a.length != network.length) return false;
        int full = prefix / 8, rest = prefix % 8;
        for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
        if (rest == 0) return true;
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }
}
