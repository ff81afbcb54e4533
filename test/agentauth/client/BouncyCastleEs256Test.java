package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Signature;
import java.util.Random;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.api.Test;

/** The Bouncy Castle verification agrees with the JDK's own SHA256withECDSA, both ways. */
class BouncyCastleEs256Test {
    private final Random random = new Random(42);

    private static ECPublicKeyParameters bc(TestKey key) {
        return BouncyCastleEs256.publicKey(TestKey.coordinate(key.publicKey().getW().getAffineX()),
                TestKey.coordinate(key.publicKey().getW().getAffineY()));
    }

    private static boolean jdk(TestKey key, byte[] message, byte[] rs) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initVerify(key.publicKey());
        s.update(message);
        try {
            return s.verify(rs);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }

    @Test
    void signatures_from_the_jdk_verify_and_altered_ones_fail_in_both() throws Exception {
        for (int i = 0; i < 50; i++) {
            TestKey key = TestKey.generate("k" + i);
            byte[] message = new byte[1 + random.nextInt(600)];
            random.nextBytes(message);
            byte[] rs = key.sign(message);
            assertTrue(BouncyCastleEs256.verify(bc(key), message, message.length, rs));
            assertTrue(jdk(key, message, rs));

            byte[] flipped = TestKey.copy(rs);
            flipped[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
            assertEquals(jdk(key, message, flipped), BouncyCastleEs256.verify(bc(key), message, message.length, flipped));
            assertFalse(BouncyCastleEs256.verify(bc(key), message, message.length, flipped));

            byte[] other = TestKey.copy(message);
            other[random.nextInt(other.length)] ^= 1;
            assertEquals(jdk(key, other, rs), BouncyCastleEs256.verify(bc(key), other, other.length, rs));
            assertFalse(BouncyCastleEs256.verify(bc(TestKey.generate("x")), message, message.length, rs));
        }
    }

    @Test
    void the_all_zero_signature_and_wrong_lengths_never_verify() throws Exception {
        TestKey key = TestKey.generate("k");
        byte[] message = "header.payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertFalse(BouncyCastleEs256.verify(bc(key), message, message.length, new byte[64]));
        assertFalse(jdk(key, message, new byte[64]));
        byte[] rs = key.sign(message);
        assertFalse(BouncyCastleEs256.verify(bc(key), message, message.length, java.util.Arrays.copyOf(rs, 63)));
        assertFalse(BouncyCastleEs256.verify(bc(key), message, message.length, java.util.Arrays.copyOf(rs, 65)));
    }

    @Test
    void only_the_signed_prefix_of_the_input_counts() {
        TestKey key = TestKey.generate("k");
        byte[] message = "header.payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] withTail = "header.payload.signature".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(BouncyCastleEs256.verify(bc(key), withTail, message.length, key.sign(message)));
    }

    @Test
    void a_point_off_the_curve_is_not_accepted_as_a_key() {
        TestKey key = TestKey.generate("k");
        byte[] x = TestKey.coordinate(key.publicKey().getW().getAffineX());
        byte[] y = TestKey.coordinate(key.publicKey().getW().getAffineY());
        y[31] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> BouncyCastleEs256.publicKey(x, y));
    }
}
