package agentauth.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.SignatureGenerationException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.ECDSAKeyProvider;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Keys are chosen by kid, must be P-256, and one instance serves many threads. */
class Es256KeysTest {
    private static final KeyPair A = TestKeys.p256();
    private static final KeyPair B = TestKeys.p256();
    private static final Map<String, ECPublicKey> KEYS = Map.of("a", TestKeys.pub(A), "b", TestKeys.pub(B));

    /** A kid lookup as Es256 expects one: null kid in, null key out. */
    private static ECPublicKey byKid(String kid) {
        return kid == null ? null : KEYS.get(kid);
    }

    @Test
    void tokens_carry_the_signing_kid_and_verify_with_the_key_it_names() {
        Es256 signerA = Es256.forKeys(Es256KeysTest::byKid, "a", TestKeys.priv(A));
        Es256 signerB = Es256.forKeys(Es256KeysTest::byKid, "b", TestKeys.priv(B));
        Es256 verifier = Es256.verifyOnly(Es256KeysTest::byKid);

        String tokenA = JWT.create().withSubject("x").sign(signerA);
        String tokenB = JWT.create().withSubject("x").sign(signerB);

        assertEquals("a", JWT.decode(tokenA).getKeyId());
        assertEquals("b", JWT.decode(tokenB).getKeyId());
        assertDoesNotThrow(() -> JWT.require(verifier).build().verify(tokenA));
        assertDoesNotThrow(() -> JWT.require(verifier).build().verify(tokenB));
    }

    @Test
    void a_token_signed_by_one_key_but_naming_another_kid_is_rejected() {
        // An algorithm with a signing kid overrides withKeyId, so sign with a kid-less one.
        String lying = JWT.create().withKeyId("b").withSubject("x").sign(Es256.of(null, TestKeys.priv(A)));

        assertEquals("b", JWT.decode(lying).getKeyId());
        assertThrows(SignatureVerificationException.class,
            () -> JWT.require(Es256.verifyOnly(Es256KeysTest::byKid)).build().verify(lying));
    }

    @Test
    void an_unknown_or_missing_kid_is_rejected_as_a_verification_failure() {
        String unknown = JWT.create().withKeyId("zzz").sign(Es256.of(null, TestKeys.priv(A)));
        String noKid = JWT.create().sign(Es256.of(null, TestKeys.priv(A)));
        Es256 verifier = Es256.verifyOnly(Es256KeysTest::byKid);

        SignatureVerificationException e = assertThrows(SignatureVerificationException.class,
            () -> JWT.require(verifier).build().verify(unknown));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertThrows(SignatureVerificationException.class, () -> JWT.require(verifier).build().verify(noKid));
    }

    @Test
    void a_verify_only_instance_refuses_to_sign() {
        Es256 verifier = Es256.verifyOnly(Es256KeysTest::byKid);

        assertNull(verifier.getSigningKeyId());
        assertThrows(SignatureGenerationException.class, () -> JWT.create().sign(verifier));
    }

    @Test
    void a_signing_key_on_another_curve_is_refused_at_construction() {
        ECPrivateKey p384 = TestKeys.priv(TestKeys.generate("secp384r1"));

        assertThrows(IllegalArgumentException.class, () -> Es256.forKeys(Es256KeysTest::byKid, "x", p384));
        assertThrows(IllegalArgumentException.class, () -> Es256.of(null, p384));
    }

    @Test
    void a_public_key_on_another_curve_fails_verification() {
        ECPublicKey p384 = TestKeys.pub(TestKeys.generate("secp384r1"));
        String token = JWT.create().withSubject("x").sign(Es256.of(null, TestKeys.priv(A)));

        SignatureVerificationException e = assertThrows(SignatureVerificationException.class,
            () -> JWT.require(Es256.of(p384, null)).build().verify(token));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    @Test
    void a_rotating_key_provider_signs_with_whichever_key_it_returns_now() {
        AtomicReference<String> current = new AtomicReference<>("a");
        ECDSAKeyProvider provider = new ECDSAKeyProvider() {
            @Override
            public ECPublicKey getPublicKeyById(String kid) {
                return byKid(kid);
            }

            @Override
            public ECPrivateKey getPrivateKey() {
                return TestKeys.priv(current.get().equals("a") ? A : B);
            }

            @Override
            public String getPrivateKeyId() {
                return current.get();
            }
        };
        Es256 es256 = Es256.fromProvider(provider);
        Es256 onlyB = Es256.of(TestKeys.pub(B), null);

        String beforeRotation = JWT.create().sign(es256);
        current.set("b");
        String afterRotation = JWT.create().sign(es256);

        assertEquals("b", JWT.decode(afterRotation).getKeyId());
        assertDoesNotThrow(() -> JWT.require(onlyB).build().verify(afterRotation));
        assertThrows(SignatureVerificationException.class, () -> JWT.require(onlyB).build().verify(beforeRotation));
        assertDoesNotThrow(() -> JWT.require(es256).build().verify(beforeRotation));
    }

    @Test
    void a_kid_whose_key_is_replaced_verifies_with_the_new_key_only() {
        AtomicReference<ECPublicKey> keyForK = new AtomicReference<>(TestKeys.pub(A));
        Es256 verifier = Es256.verifyOnly(kid -> "k".equals(kid) ? keyForK.get() : null);
        String signedByA = JWT.create().withKeyId("k").sign(Es256.of(null, TestKeys.priv(A)));
        String signedByB = JWT.create().withKeyId("k").sign(Es256.of(null, TestKeys.priv(B)));

        assertDoesNotThrow(() -> JWT.require(verifier).build().verify(signedByA));
        keyForK.set(TestKeys.pub(B));

        assertDoesNotThrow(() -> JWT.require(verifier).build().verify(signedByB));
        assertThrows(SignatureVerificationException.class, () -> JWT.require(verifier).build().verify(signedByA));
    }

    @Test
    void many_threads_sharing_one_instance_get_the_same_signatures_as_one_thread() throws Exception {
        Es256 es256 = Es256.forKeys(Es256KeysTest::byKid, "a", TestKeys.priv(A));
        Es256 verifier = Es256.verifyOnly(Es256KeysTest::byKid);
        int count = 200;
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(es256.sign(("message " + i).getBytes(StandardCharsets.UTF_8)));
        }

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> tokens = new ArrayList<>();
            List<Future<byte[]>> signatures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                signatures.add(pool.submit(() -> es256.sign(("message " + n).getBytes(StandardCharsets.UTF_8))));
                tokens.add(pool.submit(() -> {
                    String token = JWT.create().withSubject("agent " + n).sign(es256);
                    JWT.require(verifier).build().verify(token);
                    return token;
                }));
            }
            for (int i = 0; i < count; i++) {
                assertArrayEquals(expected.get(i), signatures.get(i).get(), "signature " + i);
                tokens.get(i).get(); // rethrows any verification failure
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
