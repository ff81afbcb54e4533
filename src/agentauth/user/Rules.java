package agentauth.user;

import agentauth.error.AuthError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** The contract's input rules for names, secrets and scopes. */
public final class Rules {
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}");
    public static final int MAX_SCOPES = 64;

    private Rules() {}

    public static String username(String name) {
        if (name == null || !USERNAME.matcher(name).matches())
            throw new AuthError.InvalidRequest("username must be 1-64 characters from A-Z a-z 0-9 . _ @ -, starting with a letter or digit.");
        return name;
    }

    /** The secret as UTF-8 bytes, checked for length. */
    public static byte[] password(String secret) {
        if (secret == null) throw new AuthError.InvalidRequest("password is required.");
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 12 || bytes.length > 1024)
            throw new AuthError.InvalidRequest("password must be 12 to 1024 bytes of UTF-8.");
        return bytes;
    }

    /** Scopes in order given, duplicates dropped. */
    public static List<String> scopes(List<String> scopes) {
        LinkedHashSet<String> set = new LinkedHashSet<>();
        for (String s : scopes) {
            if (s == null || !SCOPE.matcher(s).matches())
                throw new AuthError.InvalidRequest("each scope must be an RFC 6749 scope token (printable ASCII, no space, quote or backslash).");
            set.add(s);
        }
        if (set.size() > MAX_SCOPES) throw new AuthError.InvalidRequest("a user may hold at most " + MAX_SCOPES + " scopes.");
        return new ArrayList<>(set);
    }

    /** A space-separated scope request (RFC 6749 §3.3), or null for "everything the user holds". */
    public static List<String> requestedScope(String scope) {
        if (scope == null) return null;
        String trimmed = scope.strip();
        if (trimmed.isEmpty()) return null;
        List<String> list = new ArrayList<>();
        for (String s : trimmed.split(" +")) list.add(s);
        if (list.size() > MAX_SCOPES) throw new AuthError.InvalidScope("At most " + MAX_SCOPES + " scopes may be requested.");
        for (String s : list)
            if (!SCOPE.matcher(s).matches()) throw new AuthError.InvalidRequest("scope must be space-separated RFC 6749 scope tokens.");
        return new ArrayList<>(new LinkedHashSet<>(list));
    }
}
