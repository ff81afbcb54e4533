package agentauth.throttle;

import agentauth.crypto.HmacSha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;

/**
 * Keyed hashes of names and addresses: HMAC-SHA256 under a key an attacker cannot know (derived
 * from the master key, so every instance keys a name alike), so the tables hold no names, and an
 * attacker can neither predict which slot a name lands in nor craft names that collide with a
 * victim's.
 */
final class Keys {
    /** A slot address: {@code bucket} picks the bucket, {@code fingerprint} (never 0) tells keys in it apart. */
    record Key(long bucket, long fingerprint) {}

    private static final byte NAME = 1, PAIR = 2, ADDRESS = 3;

    private final HmacSha256 hmac;

    Keys(HmacSha256 hmac) {
        this.hmac = hmac;
    }

    Key name(String name) {
        return key(NAME, lower(name), "");
    }

    Key pair(String name, String address) {
        return key(PAIR, lower(name), address);
    }

    Key address(String address) {
        return key(ADDRESS, "", address);
    }

    private Key key(byte domain, String name, String address) {
        Mac mac = hmac.mac();
        mac.update(domain);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(4).putInt(n.length).array()); // length prefix: (a, bc) and (ab, c) differ
        mac.update(n);
        mac.update((address == null ? "" : address).getBytes(StandardCharsets.UTF_8));
        ByteBuffer out = ByteBuffer.wrap(mac.doFinal());
        long bucket = out.getLong(), fingerprint = out.getLong();
        return new Key(bucket, fingerprint == 0 ? 1 : fingerprint);
    }

    /** Names match ignoring ASCII case only (Locale.ROOT rules for A-Z), as at login. */
    static String lower(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return b.toString();
    }
}
