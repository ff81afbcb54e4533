package agentauth.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under one key, never stored or shown by this class: a random key made here (what
 * it computes means something only inside this process: in-memory tables that must hold no
 * secrets and no names in the clear), or a key derived from the master key (the same in every
 * instance: tables several instances share). One Mac per thread, as a Mac is not thread-safe.
 */
public final class HmacSha256 {
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    private HmacSha256(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Under a random key that lives only in this process. */
    public static HmacSha256 ephemeral() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new HmacSha256(k);
    }

    /** Under {@code key} (for example {@link MasterKey#derive}). */
    public static HmacSha256 of(byte[] key) {
        return new HmacSha256(key.clone());
    }

    /** This thread's Mac, ready for update/doFinal (doFinal resets it for the next use). */
    public Mac mac() {
        return macs.get();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256", e);
        }
    }
}
