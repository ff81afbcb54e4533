package agentauth.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IP address literals, parsed strictly and written in one canonical form, so that one client
 * is one throttle key and one audit address however a header spells it. Never a DNS lookup:
 * {@code InetAddress.getByName} would ask the resolver for anything it cannot read as a literal
 * (such as {@code 999.999.999.999}).
 *
 * <p>Accepted: dotted-quad IPv4 with decimal octets 0-255 and no leading zeros (a leading zero
 * reads as octal in some parsers, so {@code 010.0.0.1} is refused, not guessed at); IPv6 in any
 * RFC 4291 text form, optionally in brackets, without a zone. An IPv4-mapped IPv6 address is
 * the IPv4 address it maps. Canonical output: IPv4 dotted quad, IPv6 as RFC 5952 lower case.
 */
public final class IpAddress {
    private IpAddress() {}

    /** The address as 4 or 16 bytes, or empty when {@code text} is not a literal this class accepts. */
    public static Optional<byte[]> parse(String text) {
        if (text == null) return Optional.empty();
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        byte[] b = t.indexOf(':') >= 0 ? ipv6(t) : ipv4(t);
        if (b == null) return Optional.empty();
        return Optional.of(unmapped(b));
    }

    /** The canonical text of a literal, or empty when it is not one. */
    public static Optional<String> normalize(String text) {
        return parse(text).map(IpAddress::format);
    }

    /** The address for {@link Cidr#contains}; never resolves anything. */
    public static InetAddress toInet(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes", e);
        }
    }

    public static String format(byte[] b) {
        if (b.length == 4) return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        // RFC 5952 §4.2: the longest run of two or more zero groups (the first of equals) becomes "::"
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') s.append(':');
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }

    static byte[] ipv4(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = decimalOctet(parts[i]);
            if (v < 0) return null;
            out[i] = (byte) v;
        }
        return out;
    }

    private static int decimalOctet(String p) {
        if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) return -1;
        int v = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v <= 255 ? v : -1;
    }

    static byte[] ipv6(String t) {
        if (t.length() > 45) return null;
        int gap = t.indexOf("::");
        if (gap >= 0 && t.indexOf("::", gap + 1) >= 0) return null;
        String head = gap >= 0 ? t.substring(0, gap) : t;
        String tail = gap >= 0 ? t.substring(gap + 2) : "";
        byte[] headBytes = groups(head, gap < 0);
        byte[] tailBytes = groups(tail, true);
        if (headBytes == null || tailBytes == null) return null;
        int total = headBytes.length + tailBytes.length;
        if (gap < 0 ? total != 16 : total > 14) return null;
        byte[] out = new byte[16];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(tailBytes, 0, out, 16 - tailBytes.length, tailBytes.length);
        return out;
    }

    /** Colon-separated hex groups; the last may be a dotted quad when {@code last} is the address's end. */
    private static byte[] groups(String s, boolean last) {
        if (s.isEmpty()) return new byte[0];
        String[] parts = s.split(":", -1);
        byte[] out = new byte[parts.length * 2 + 2];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (last && i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = ipv4(p);
                if (v4 == null) return null;
                System.arraycopy(v4, 0, out, n, 4);
                n += 4;
                continue;
            }
            if (p.isEmpty() || p.length() > 4) return null;
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = Character.digit(p.charAt(k), 16);
                if (d < 0) return null;
                v = v * 16 + d;
            }
            out[n++] = (byte) (v >> 8);
            out[n++] = (byte) v;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** ::ffff:a.b.c.d is a.b.c.d (RFC 4291 §2.5.5.2): one client, one key. */
    private static byte[] unmapped(byte[] b) {
        if (b.length != 16) return b;
        for (int i = 0; i < 10; i++) if (b[i] != 0) return b;
        if ((b[10] & 0xFF) != 0xFF || (b[11] & 0xFF) != 0xFF) return b;
        return java.util.Arrays.copyOfRange(b, 12, 16);
    }
}
