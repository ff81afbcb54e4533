package agentauth.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range such as 10.0.0.0/8 or ::1/128, for --trusted-proxy. */
public record Cidr(byte[] network, int prefix) {
    // Compiled once: literal() runs for every hop of X-Forwarded-For behind a trusted proxy.
    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+");
    private static final java.util.regex.Pattern IP_CHARS = java.util.regex.Pattern.compile("[0-9a-fA-F:.]+");

    public static Cidr parse(String s) {
        String[] parts = s.trim().split("/", -1);
        if (parts.length > 2) throw new IllegalArgumentException("'" + s + "' is not a CIDR like 10.0.0.0/8");
        byte[] addr = literal(parts[0], s);
        int max = addr.length * 8, prefix = max;
        if (parts.length == 2) {
            try { prefix = Integer.parseInt(parts[1]); } catch (NumberFormatException e) { prefix = -1; }
            if (prefix < 0 || prefix > max) throw new IllegalArgumentException("bad prefix length in '" + s + "'");
        }
        return new Cidr(addr, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) return false;
        int full = prefix / 8, rest = prefix % 8;
        for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
        if (rest == 0) return true;
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }

    /** Parses an IP literal only: never a DNS lookup. */
    static byte[] literal(String text, String whole) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean looksLikeIp = IPV4.matcher(t).matches() || t.contains(":");
        if (!looksLikeIp || !IP_CHARS.matcher(t).matches()) throw new IllegalArgumentException("'" + whole + "' is not an IP address range");
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + whole + "' is not an IP address range");
        }
    }
}
