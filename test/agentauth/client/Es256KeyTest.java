package agentauth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both ES256 engines (the JDK's, and Bouncy Castle's where present) agree with the JDK's own
 * SHA256withECDSA as signer, and Es256Key refuses what no engine may be trusted to refuse.
 */
class Es256KeyTest {
    private static final List<Es256Engine> ENGINES = List.of(new JdkEs256(), new BouncyCastleEs256());
    private final Random random = new Random(42);

    private static Object key(Es256Engine engine, TestKey key) {
        return engine.publicKey(key.publicKey().getW().getAffineX(), key.publicKey().getW().getAffineY());
    }

    private static boolean jdk(TestKey key, byte[] message, byte[] rs) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initVerify(key.publicKey());
        s.update(message);
        try {
            return s.verify(rs);
        } catch (SignatureException e) {
            return false;
        }
    }

    @Test
    void both_engines_verify_jdk_signatures_and_refuse_altered_ones() throws Exception {
        for (Es256Engine engine : ENGINES) {
            for (int i = 0; i < 30; i++) {
                TestKey key = TestKey.generate("k" + i);
                byte[] message = new byte[1 + random.nextInt(600)];
                random.nextBytes(message);
                byte[] rs = key.sign(message);
                assertTrue(engine.verify(key(engine, key), message, message.length, rs), engine.name());

                byte[] flipped = TestKey.copy(rs);
                flipped[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
                assertEquals(jdk(key, message, flipped), engine.verify(key(engine, key), message, message.length, flipped));
                assertFalse(engine.verify(key(engine, key), message, message.length, flipped), engine.name());

                byte[] other = TestKey.copy(message);
                other[random.nextInt(other.length)] ^= 1;
                assertFalse(engine.verify(key(engine, key), other, other.length, rs), engine.name());
                assertFalse(engine.verify(key(engine, TestKey.generate("x")), message, message.length, rs), engine.name());
            }
        }
    }

    @Test
    void only_the_signed_prefix_of_the_input_counts() {
        TestKey key = TestKey.generate("k");
        byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
        byte[] withTail = "header.payload.signature".getBytes(StandardCharsets.US_ASCII);
        for (Es256Engine engine : ENGINES) {
            assertTrue(engine.verify(key(engine, key), withTail, message.length, key.sign(message)), engine.name());
        }
    }

    @Test
    void zero_or_out_of_range_signatures_and_wrong_lengths_never_verify() {
        TestKey key = TestKey.generate("k");
        Es256Key k = Es256Key.of(TestKey.coordinate(key.publicKey().getW().getAffineX()),
                TestKey.coordinate(key.publicKey().getW().getAffineY()));
        byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
        byte[] rs = key.sign(message);
        assertTrue(k.verify(message, message.length, rs));
        assertFalse(k.verify(message, message.length, new byte[64]), "CVE-2022-21449");
        assertFalse(k.verify(message, message.length, Arrays.copyOf(rs, 63)));
        assertFalse(k.verify(message, message.length, Arrays.copyOf(rs, 65)));
        byte[] sPlusN = TestKey.copy(rs); // s + n is the same residue, but out of range
        BigInteger s = new BigInteger(1, rs, 32, 32).add(JdkEs256.P256.getOrder());
        if (s.bitLength() <= 256) {
            System.arraycopy(TestKey.coordinate(s), 0, sPlusN, 32, 32);
            assertFalse(k.verify(message, message.length, sPlusN));
        }
        byte[] rAllOnes = TestKey.copy(rs);
        Arrays.fill(rAllOnes, 0, 32, (byte) 0xFF);
        assertFalse(k.verify(message, message.length, rAllOnes));
    }

    @Test
    void a_point_off_the_curve_or_of_the_wrong_size_is_not_a_key() {
        TestKey key = TestKey.generate("k");
        byte[] x = TestKey.coordinate(key.publicKey().getW().getAffineX());
        byte[] y = TestKey.coordinate(key.publicKey().getW().getAffineY());
        byte[] badY = TestKey.copy(y);
        badY[31] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> Es256Key.of(x, badY));
        assertThrows(IllegalArgumentException.class, () -> Es256Key.of(Arrays.copyOf(x, 31), y));
        byte[] allOnes = new byte[32];
        Arrays.fill(allOnes, (byte) 0xFF); // beyond p
        assertThrows(IllegalArgumentException.class, () -> Es256Key.of(allOnes, y));
        assertTrue(Es256Key.of(x, y).sameKey(Es256Key.of(x, y)));
    }
}
