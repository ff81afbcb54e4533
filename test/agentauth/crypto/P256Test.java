package agentauth.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

class P256Test {
    @Test
    void jose_form_left_pads_r_and_s_to_32_bytes_each() {
        byte[] jose = P256.toJose(BigInteger.ONE, BigInteger.valueOf(0x0102));

        byte[] expected = new byte[64];
        expected[31] = 1;
        expected[62] = 1;
        expected[63] = 2;
        assertArrayEquals(expected, jose);
    }

    @Test
    void jose_form_of_values_with_the_top_bit_set_has_no_sign_byte() {
        BigInteger nMinusOne = TestKeys.N.subtract(BigInteger.ONE);

        byte[] jose = P256.toJose(nMinusOne, nMinusOne);

        assertEquals(64, jose.length);
        assertArrayEquals(TestKeys.jose(nMinusOne, nMinusOne), jose);
    }

    @Test
    void parsing_returns_r_and_s_only_when_both_are_between_1_and_n_minus_1() {
        BigInteger nMinusOne = TestKeys.N.subtract(BigInteger.ONE);

        assertArrayEquals(new BigInteger[] {BigInteger.ONE, nMinusOne},
            P256.fromJose(TestKeys.jose(BigInteger.ONE, nMinusOne)));
        assertNull(P256.fromJose(TestKeys.jose(BigInteger.ZERO, BigInteger.ONE)));
        assertNull(P256.fromJose(TestKeys.jose(BigInteger.ONE, TestKeys.N)));
        assertNull(P256.fromJose(new byte[63]));
    }

    @Test
    void jdk_p256_keys_are_recognised_and_other_curves_are_not() {
        assertTrue(P256.isP256(TestKeys.pub(TestKeys.p256())));
        assertFalse(P256.isP256(TestKeys.pub(TestKeys.generate("secp384r1"))));
        assertFalse(P256.isP256(TestKeys.priv(TestKeys.generate("secp521r1"))));
    }

    @Test
    void a_public_point_off_the_curve_is_refused() {
        ECPublicKey valid = TestKeys.pub(TestKeys.p256());
        ECPublicKey offCurve = new ECPublicKey() {
            @Override
            public java.security.spec.ECPoint getW() {
                return new java.security.spec.ECPoint(valid.getW().getAffineX(),
                    valid.getW().getAffineY().add(BigInteger.ONE));
            }

            @Override
            public java.security.spec.ECParameterSpec getParams() {
                return valid.getParams();
            }

            @Override
            public String getAlgorithm() {
                return "EC";
            }

            @Override
            public String getFormat() {
                return null;
            }

            @Override
            public byte[] getEncoded() {
                return null;
            }
        };

        assertThrows(IllegalArgumentException.class, () -> P256.publicKey(offCurve));
    }
}
