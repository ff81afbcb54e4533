package agentauth.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Es256 and the JDK provider (through java-jwt and directly) accept each other's signatures. */
class Es256InteropTest {
    private static final KeyPair KEYS = TestKeys.p256();
    private static final ECPublicKey PUB = TestKeys.pub(KEYS);
    private static final ECPrivateKey PRIV = TestKeys.priv(KEYS);

    private static String token(Algorithm alg, String subject) {
        return JWT.create().withSubject(subject).withIssuer("agent-auth").sign(alg);
    }

    private static byte[] signatureOf(String token) {
        return Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    }

    @Test
    void token_signed_by_es256_verifies_with_java_jwts_jdk_algorithm() {
        String token = token(Es256.of(null, PRIV), "agent-1");

        assertDoesNotThrow(() -> JWT.require(Algorithm.ECDSA256(PUB, null)).build().verify(token));
    }

    @Test
    void token_signed_by_es256_verifies_with_raw_jdk_signature_after_der_conversion() throws Exception {
        String token = token(Es256.of(null, PRIV), "agent-2");
        byte[] signingInput = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);

        Signature jdk = Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(PUB);
        jdk.update(signingInput);
        assertTrue(jdk.verify(TestKeys.der(signatureOf(token))));
    }

    @Test
    void token_signed_by_java_jwts_jdk_algorithm_verifies_with_es256() {
        Algorithm jdk = Algorithm.ECDSA256(null, PRIV);
        Es256 es256 = Es256.of(PUB, null);
        // The JDK signs with a random k, so each token exercises different R and S.
        for (int i = 0; i < 20; i++) {
            String token = token(jdk, "agent-" + i);
            assertDoesNotThrow(() -> JWT.require(es256).build().verify(token));
        }
    }

    @Test
    void signature_is_64_bytes_of_r_then_s_even_when_they_need_left_padding() throws Exception {
        // R or S is below 2^247 (so shorter than 32 bytes even as a signed integer) in about 1
        // signature in 256; keep signing until both have appeared, and check the JDK agrees.
        Es256 es256 = Es256.of(null, PRIV);
        Signature jdk = Signature.getInstance("SHA256withECDSA");
        boolean paddedR = false;
        boolean paddedS = false;
        for (int i = 0; i < 20_000 && !(paddedR && paddedS); i++) {
            byte[] content = ("content " + i).getBytes(StandardCharsets.UTF_8);
            byte[] signature = es256.sign(content);
            assertEquals(64, signature.length);
            boolean padR = signature[0] == 0 && signature[1] >= 0;
            boolean padS = signature[32] == 0 && signature[33] >= 0;
            if (padR || padS) {
                jdk.initVerify(PUB);
                jdk.update(content);
                assertTrue(jdk.verify(TestKeys.der(signature)), "padded signature " + i);
            }
            paddedR |= padR;
            paddedS |= padS;
        }
        assertTrue(paddedR && paddedS, "no padded R or S seen in 20,000 signatures");
    }

    @Test
    void signing_is_deterministic_for_the_same_key_and_input() {
        Es256 es256 = Es256.of(null, PRIV);
        byte[] header = "eyJhbGciOiJFUzI1NiJ9".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = "eyJzdWIiOiJhIn0".getBytes(StandardCharsets.US_ASCII);

        byte[] first = es256.sign(header, payload);
        assertArrayEquals(first, es256.sign(header, payload));
        assertArrayEquals(first, Es256.of(null, PRIV).sign(header, payload));
        byte[] otherPayload = "eyJzdWIiOiJiIn0".getBytes(StandardCharsets.US_ASCII);
        assertFalse(java.util.Arrays.equals(first, es256.sign(header, otherPayload)));
    }

    @Test
    void sign_of_header_and_payload_signs_header_dot_payload() {
        Es256 es256 = Es256.of(null, PRIV);
        byte[] header = "aGVhZGVy".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = "cGF5bG9hZA".getBytes(StandardCharsets.US_ASCII);

        assertArrayEquals(
            es256.sign("aGVhZGVy.cGF5bG9hZA".getBytes(StandardCharsets.US_ASCII)),
            es256.sign(header, payload));
    }

    @Test
    void signatures_match_the_rfc_6979_p256_sha256_test_vectors() throws Exception {
        // RFC 6979 Appendix A.2.5, P-256 with SHA-256.
        ECPrivateKey key = TestKeys.p256PrivateKey(new BigInteger(
            "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16));
        ECPublicKey pub = TestKeys.p256PublicKey(
            new BigInteger("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6", 16),
            new BigInteger("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299", 16));
        Es256 es256 = Es256.of(pub, key);

        byte[] sample = es256.sign("sample".getBytes(StandardCharsets.US_ASCII));
        assertEquals("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
            String.format("%064X", TestKeys.r(sample)));
        assertEquals("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
            String.format("%064X", TestKeys.s(sample)));

        byte[] test = es256.sign("test".getBytes(StandardCharsets.US_ASCII));
        assertEquals("F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
            String.format("%064X", TestKeys.r(test)));
        assertEquals("019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083",
            String.format("%064X", TestKeys.s(test)));
    }

    @Test
    void high_s_and_low_s_forms_of_a_signature_are_both_accepted_as_by_the_jdk() throws Exception {
        // JWS (RFC 7518 §3.4) has no low-S rule, so Es256 accepts S and n - S alike; see its javadoc.
        String token = token(Es256.of(null, PRIV), "agent-s");
        byte[] signature = signatureOf(token);
        byte[] flipped = TestKeys.jose(TestKeys.r(signature), TestKeys.N.subtract(TestKeys.s(signature)));
        String malleated = token.substring(0, token.lastIndexOf('.') + 1)
            + Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);

        assertDoesNotThrow(() -> JWT.require(Es256.of(PUB, null)).build().verify(token));
        assertDoesNotThrow(() -> JWT.require(Es256.of(PUB, null)).build().verify(malleated));
        assertDoesNotThrow(() -> JWT.require(Algorithm.ECDSA256(PUB, null)).build().verify(malleated));
    }
}
