package agentauth.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OpaqueTokensTest {
    @Test
    void refresh_tokens_are_256_bit_random_and_stored_as_sha256() {
        String a = OpaqueTokens.newToken(), b = OpaqueTokens.newToken();
        assertEquals(43, a.length(), "32 bytes in unpadded base64url");
        assertEquals(32, OpaqueTokens.hash(a).length);
        assertEquals(false, a.equals(b));
    }
}
