package agentauth.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a random 96-bit nonce stored in front of the ciphertext. */
public final class Aead {
    private static final int NONCE = 12, TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    public Aead(byte[] key) {
        if (key.length != 32) throw new IllegalArgumentException("AES-256 needs a 32-byte key");
        this.key = new SecretKeySpec(key, "AES");
    }

    public byte[] encrypt(byte[] plain, byte[] associatedData) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData);
            byte[] sealed = c.doFinal(plain);
            byte[] out = Arrays.copyOf(nonce, NONCE + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** @throws GeneralSecurityException when the key, nonce, data or associated data do not match */
    public byte[] decrypt(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
        if (sealed.length < NONCE + TAG_BITS / 8) throw new GeneralSecurityException("ciphertext too short");
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
        c.updateAAD(associatedData);
        return c.doFinal(sealed, NONCE, sealed.length - NONCE);
    }
}
