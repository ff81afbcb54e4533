package agentauth.crypto;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Every way a token's signature can be wrong ends in SignatureVerificationException. */
class Es256RejectionTest {
    private static final KeyPair KEYS = TestKeys.p256();
    private static final ECPublicKey PUB = TestKeys.pub(KEYS);
    private static final ECPrivateKey PRIV = TestKeys.priv(KEYS);
    private static final Es256 VERIFIER = Es256.of(PUB, null);
    private static final String TOKEN = JWT.create().withSubject("agent").sign(Es256.of(null, PRIV));
    private static final byte[] SIGNATURE = Base64.getUrlDecoder().decode(part(TOKEN, 2));

    private static String part(String token, int index) {
        return token.split("\\.", -1)[index];
    }

    private static String withSignatureText(String text) {
        return part(TOKEN, 0) + "." + part(TOKEN, 1) + "." + text;
    }

    private static String withSignature(byte[] signature) {
        return withSignatureText(Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
    }

    private static void assertRejected(String token) {
        assertThrows(SignatureVerificationException.class, () -> JWT.require(VERIFIER).build().verify(token));
    }

    @Test
    void the_untouched_token_verifies() {
        assertDoesNotThrow(() -> JWT.require(VERIFIER).build().verify(TOKEN));
    }

    @Test
    void a_tampered_payload_is_rejected() {
        String payload = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"sub\":\"admin\"}".getBytes(StandardCharsets.UTF_8));
        assertRejected(part(TOKEN, 0) + "." + payload + "." + part(TOKEN, 2));
    }

    @Test
    void a_signature_with_one_bit_flipped_is_rejected_wherever_the_bit_is() {
        for (int i : new int[] {0, 17, 31, 32, 50, 63}) {
            byte[] tampered = SIGNATURE.clone();
            tampered[i] ^= 0x01;
            assertRejected(withSignature(tampered));
        }
    }

    @Test
    void a_token_checked_against_another_key_is_rejected() {
        Es256 other = Es256.of(TestKeys.pub(TestKeys.p256()), null);
        assertThrows(SignatureVerificationException.class, () -> JWT.require(other).build().verify(TOKEN));
    }

    @Test
    void truncated_and_extended_signatures_are_rejected() {
        assertRejected(withSignature(Arrays.copyOf(SIGNATURE, 63)));
        assertRejected(withSignature(Arrays.copyOf(SIGNATURE, 65)));
        assertRejected(withSignature(Arrays.copyOfRange(SIGNATURE, 1, 64)));
        assertRejected(withSignature(new byte[0]));
        assertRejected(withSignature(Arrays.copyOf(SIGNATURE, 128)));
    }

    @Test
    void a_der_encoded_signature_is_rejected() {
        // java-jwt 3.x accepted DER as well; JWS allows only R||S.
        assertRejected(withSignature(TestKeys.der(SIGNATURE)));
    }

    @Test
    void r_or_s_equal_to_zero_is_rejected() {
        BigInteger r = TestKeys.r(SIGNATURE);
        BigInteger s = TestKeys.s(SIGNATURE);
        assertRejected(withSignature(TestKeys.jose(BigInteger.ZERO, s)));
        assertRejected(withSignature(TestKeys.jose(r, BigInteger.ZERO)));
        assertRejected(withSignature(new byte[64]));
    }

    @Test
    void r_or_s_equal_to_or_above_the_group_order_is_rejected() {
        BigInteger r = TestKeys.r(SIGNATURE);
        BigInteger s = TestKeys.s(SIGNATURE);
        BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        assertRejected(withSignature(TestKeys.jose(r, TestKeys.N)));
        assertRejected(withSignature(TestKeys.jose(TestKeys.N, s)));
        assertRejected(withSignature(TestKeys.jose(r, max)));
        assertRejected(withSignature(TestKeys.jose(max, s)));
    }

    @Test
    void a_padded_or_non_canonical_base64url_signature_is_rejected() {
        String canonical = part(TOKEN, 2);
        assertRejected(withSignatureText(canonical + "=="));
        // The last of 86 characters carries 2 data bits and 4 that must be zero (RFC 4648 §3.5).
        char last = canonical.charAt(85);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sameBytes = alphabet.charAt(alphabet.indexOf(last) | 1);
        assertRejected(withSignatureText(canonical.substring(0, 85) + sameBytes));
    }

    @Test
    void a_token_whose_header_names_another_algorithm_is_rejected_when_verified_directly() {
        String header = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"alg\":\"ES384\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        Es256 signer = Es256.of(null, PRIV);
        byte[] payload = part(TOKEN, 1).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = signer.sign(header.getBytes(StandardCharsets.US_ASCII), payload);
        String token = header + "." + part(TOKEN, 1) + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);

        assertThrows(SignatureVerificationException.class, () -> VERIFIER.verify(JWT.decode(token)));
    }
}
