package agentauth.client;

/**
 * The {@code error} and {@code error_description} of an OAuth 2.0 error body (RFC 6749 §5.2),
 * read defensively: a code only if it looks like one, a description only if it is one short
 * line. Nothing else is read from the body, which may be anything a proxy answered.
 *
 * @param code the error code, or null
 * @param description the server's sentence for a human, or null
 */
record OAuthError(String code, String description) {
    private static final int LONGEST_DESCRIPTION = 200;

    static OAuthError of(byte[] body) {
        try {
            var json = JsonReader.object(body);
            String code = JsonReader.string(json, "error");
            String description = JsonReader.string(json, "error_description");
            return new OAuthError(code != null && code.matches("[a-z_]{1,64}") ? code : null,
                    description != null && description.length() <= LONGEST_DESCRIPTION
                            && description.chars().noneMatch(Character::isISOControl) ? description : null);
        } catch (JsonReader.MalformedJsonException e) {
            return new OAuthError(null, null);
        }
    }

    /**
     * "code: description" for a message, or "status N" without a code; the description is left
     * out if it contains {@code secret} (a server must not echo it, but a message must not
     * carry it even if one did).
     */
    String summary(int status, char[] secret) {
        if (code == null) {
            return "status " + status;
        }
        return description == null || contains(description, secret) ? code : code + ": " + description;
    }

    private static boolean contains(String text, char[] secret) {
        if (secret == null || secret.length == 0) {
            return false;
        }
        outer:
        for (int i = 0; i + secret.length <= text.length(); i++) {
            for (int j = 0; j < secret.length; j++) {
                if (text.charAt(i + j) != secret[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
