package agentauth.crypto;

import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureGenerationException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.ECDSAKeyProvider;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * ES256 (ECDSA on P-256 with SHA-256, RFC 7518 §3.4) for java-jwt, computed with Bouncy Castle's
 * lightweight API: several times faster than java-jwt's {@code Algorithm.ECDSA256} on the JDK
 * provider, and interchangeable with it: each verifies the other's tokens.
 *
 * <p>Use it wherever java-jwt takes an {@link Algorithm}: {@code JWT.create()...sign(es256)} and
 * {@code JWT.require(es256).build().verify(token)}. The public key that checks a token is looked
 * up by the token's {@code kid}; the algorithm is fixed by this object, never read from the token.
 *
 * <p><b>Signatures.</b> Signing is deterministic (RFC 6979, HMAC-SHA-256): the same key and input
 * always give the same 64-byte R||S signature, so a weak random source cannot leak the key.
 * Verification accepts only the unpadded base64url encoding of exactly 64 bytes (RFC 7515 §2),
 * with 0 &lt; R &lt; n and 0 &lt; S &lt; n. It accepts high S as well as low S: ECDSA and JWS
 * have no low-S rule and other ES256 signers produce both, so anyone can turn a valid token into
 * a second valid token by replacing S with n - S. Never use a token's text or signature as an
 * identifier (to detect replay, use a claim such as {@code jti}).
 *
 * <p><b>Not checked here:</b> claims such as {@code exp}, {@code iss} and {@code aud}; that is
 * {@code JWTVerifier}'s job.
 *
 * <p><b>Thread safety:</b> an instance is immutable apart from internal caches and may be shared
 * by any number of threads.
 */
public final class Es256 extends Algorithm {
    /**
     * The converted form of each public key is kept because Bouncy Castle caches its precomputed
     * multiples on the point object itself, and after a few uses switches that key to a much
     * faster fixed-point method: verification with a reused key ran 2.3x as fast as with a key
     * converted per call. A server has a handful of keys; the cap only bounds a misuse.
     */
    private static final int MAX_CACHED_PUBLIC_KEYS = 64;
    private static final int ENCODED_SIGNATURE_CHARS = 86; // ceil(64 * 4 / 3), no padding
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final ECDSAKeyProvider keys;
    private final ConcurrentHashMap<java.security.spec.ECPoint, ECPublicKeyParameters> publicKeys =
        new ConcurrentHashMap<>();
    private volatile SigningKey lastSigningKey;

    private record SigningKey(ECPrivateKey jdk, ECPrivateKeyParameters bc) {}

    private Es256(ECDSAKeyProvider keys, ECPrivateKey fixedSigningKey) {
        super("ES256", "SHA256withECDSA");
        this.keys = Objects.requireNonNull(keys, "keys");
        if (fixedSigningKey != null) {
            lastSigningKey = new SigningKey(fixedSigningKey, P256.privateKey(fixedSigningKey));
        }
    }

    /**
     * Signs with one key and verifies with the public key that {@code publicKeysByKid} returns for
     * each token's {@code kid}. Tokens it signs carry {@code signingKid} as their {@code kid}.
     *
     * @param publicKeysByKid returns the public key for a kid (which may be null), or null when
     *     there is none; called on every verification, so it should be fast
     * @throws IllegalArgumentException if the signing key is not a valid P-256 key
     * @throws NullPointerException if any argument is null
     */
    public static Es256 forKeys(
        Function<String, ECPublicKey> publicKeysByKid, String signingKid, ECPrivateKey signingKey) {
        Objects.requireNonNull(signingKid, "signingKid");
        Objects.requireNonNull(signingKey, "signingKey");
        return new Es256(new FixedKeys(publicKeysByKid, signingKey, signingKid), signingKey);
    }

    /**
     * Verifies only; {@link #sign} throws {@link SignatureGenerationException}.
     *
     * @param publicKeysByKid as in {@link #forKeys}
     */
    public static Es256 verifyOnly(Function<String, ECPublicKey> publicKeysByKid) {
        return new Es256(new FixedKeys(publicKeysByKid, null, null), null);
    }

    /**
     * A drop-in replacement for java-jwt's {@code Algorithm.ECDSA256(ECDSAKeyProvider)}: the
     * provider is asked for the private key and its id on every signature, so it may rotate them,
     * and for a public key by kid (which may be null) on every verification.
     *
     * @throws NullPointerException if the provider is null
     */
    public static Es256 fromProvider(ECDSAKeyProvider provider) {
        return new Es256(provider, null);
    }

    /**
     * Like java-jwt's {@code Algorithm.ECDSA256(publicKey, privateKey)}: one key pair, no kid;
     * either key may be null (then that operation fails), not both.
     *
     * @throws IllegalArgumentException if both keys are null or the private key is not on P-256
     */
    public static Es256 of(ECPublicKey publicKey, ECPrivateKey privateKey) {
        if (publicKey == null && privateKey == null) {
            throw new IllegalArgumentException("both keys are null");
        }
        return new Es256(new FixedKeys(kid -> publicKey, privateKey, null), privateKey);
    }

    /**
     * @throws SignatureVerificationException if the token's alg is not ES256, no public key is
     *     found for its kid, the key is not on P-256, the signature is malformed, or it does not
     *     match the header and payload
     */
    @Override
    public void verify(DecodedJWT jwt) throws SignatureVerificationException {
        try {
            if (!getName().equals(jwt.getAlgorithm())) {
                throw new SignatureException("the token's alg is not ES256");
            }
            BigInteger[] rs = P256.fromJose(decodeSignature(jwt.getSignature()));
            if (rs == null) {
                throw new SignatureException("R or S is not in [1, n-1]");
            }
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, publicKey(jwt.getKeyId()));
            byte[] hash = sha256(ascii(jwt.getHeader()), ascii(jwt.getPayload()));
            if (!verifier.verifySignature(hash, rs[0], rs[1])) {
                throw new SignatureVerificationException(this);
            }
        } catch (SignatureException | IllegalArgumentException | IllegalStateException e) {
            throw new SignatureVerificationException(this, e);
        }
    }

    /**
     * Signs the JWS signing input {@code header '.' payload} (RFC 7515 §5.1).
     *
     * @return R||S, 64 bytes (RFC 7518 §3.4)
     * @throws SignatureGenerationException if there is no private key or it is not on P-256
     */
    @Override
    public byte[] sign(byte[] headerBytes, byte[] payloadBytes) throws SignatureGenerationException {
        return signHash(sha256(headerBytes, payloadBytes));
    }

    /** As {@link #sign(byte[], byte[])}, over bytes already joined. */
    @Override
    public byte[] sign(byte[] contentBytes) throws SignatureGenerationException {
        SHA256Digest digest = new SHA256Digest();
        digest.update(contentBytes, 0, contentBytes.length);
        byte[] hash = new byte[digest.getDigestSize()];
        digest.doFinal(hash, 0);
        return signHash(hash);
    }

    @Override
    public String getSigningKeyId() {
        return keys.getPrivateKeyId();
    }

    private byte[] signHash(byte[] hash) throws SignatureGenerationException {
        try {
            // A signer per call: a ThreadLocal one measured no faster (both ~12,000/s), and the
            // few hundred bytes it allocates cost nothing next to the scalar multiplication.
            ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
            signer.init(true, signingKey());
            BigInteger[] rs = signer.generateSignature(hash);
            return P256.toJose(rs[0], rs[1]);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new SignatureGenerationException(this, e);
        }
    }

    private ECPrivateKeyParameters signingKey() {
        ECPrivateKey key = keys.getPrivateKey();
        if (key == null) {
            throw new IllegalStateException("no private key to sign with");
        }
        SigningKey last = lastSigningKey;
        if (last != null && last.jdk() == key) {
            return last.bc();
        }
        SigningKey converted = new SigningKey(key, P256.privateKey(key));
        lastSigningKey = converted;
        return converted.bc();
    }

    private ECPublicKeyParameters publicKey(String kid) {
        ECPublicKey key = keys.getPublicKeyById(kid);
        if (key == null) {
            throw new IllegalStateException("no public key for the token's kid");
        }
        if (!P256.isP256(key)) {
            throw new IllegalArgumentException("the public key for the token's kid is not on P-256");
        }
        ECPublicKeyParameters cached = publicKeys.get(key.getW());
        if (cached != null) {
            return cached;
        }
        ECPublicKeyParameters converted = P256.publicKey(key);
        if (publicKeys.size() >= MAX_CACHED_PUBLIC_KEYS) {
            publicKeys.clear();
        }
        ECPublicKeyParameters raced = publicKeys.putIfAbsent(key.getW(), converted);
        return raced != null ? raced : converted;
    }

    /** RFC 7515 §2: unpadded base64url; any other spelling of the same bytes is refused. */
    private static byte[] decodeSignature(String encoded) throws SignatureException {
        if (encoded == null || encoded.length() != ENCODED_SIGNATURE_CHARS) {
            throw new SignatureException("the signature is not 64 bytes of unpadded base64url");
        }
        byte[] signature = Base64.getUrlDecoder().decode(encoded);
        if (!BASE64URL.encodeToString(signature).equals(encoded)) {
            throw new SignatureException("the signature is not in canonical base64url");
        }
        return signature;
    }

    private static byte[] sha256(byte[] header, byte[] payload) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(header, 0, header.length);
        digest.update((byte) '.');
        digest.update(payload, 0, payload.length);
        byte[] hash = new byte[digest.getDigestSize()];
        digest.doFinal(hash, 0);
        return hash;
    }

    private static byte[] ascii(String base64url) {
        return base64url.getBytes(StandardCharsets.US_ASCII);
    }

    /** Keys given once, as a java-jwt key provider. */
    private record FixedKeys(
        Function<String, ECPublicKey> publicKeysByKid, ECPrivateKey privateKey, String privateKeyId)
        implements ECDSAKeyProvider {

        FixedKeys {
            Objects.requireNonNull(publicKeysByKid, "publicKeysByKid");
        }

        @Override
        public ECPublicKey getPublicKeyById(String keyId) {
            return publicKeysByKid.apply(keyId);
        }

        @Override
        public ECPrivateKey getPrivateKey() {
            return privateKey;
        }

        @Override
        public String getPrivateKeyId() {
            return privateKeyId;
        }
    }
}
