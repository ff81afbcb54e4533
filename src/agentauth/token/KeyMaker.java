package agentauth.token;

import agentauth.crypto.MasterKey;
import agentauth.store.SigningKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;

/** A new P-256 key pair, its RFC 7638 thumbprint as kid, the private part sealed under the master key. */
final class KeyMaker {
    record Made(String kid, byte[] publicKey, byte[] sealedPrivateKey) {
        SigningKeyStore.Row row(Instant now, Instant activatesAt) {
            return new SigningKeyStore.Row(kid, now, activatesAt, publicKey, sealedPrivateKey, activatesAt, null, null);
        }
    }

    private KeyMaker() {}

    static Made make(MasterKey masterKey) {
        KeyPair pair;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make P-256 keys", e);
        }
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        String kid = Jwks.thumbprint(pub);
        byte[] sealed = masterKey.encrypt(pair.getPrivate().getEncoded(), kid.getBytes(StandardCharsets.UTF_8));
        return new Made(kid, pub.getEncoded(), sealed);
    }
}
