package agentauth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * {@code --version}: the version and the git commit the jar was built from. build.sh writes them
 * into the jar as the resource {@value #RESOURCE} ({@code version=...} and {@code commit=...});
 * a jar built without it says so rather than guess.
 */
public final class Version {
    static final String RESOURCE = "agentauth/version.properties";

    private Version() {}

    /** One line: {@code agent-auth VERSION (commit COMMIT)}. */
    public static String describe() {
        Properties p = new Properties();
        String missing = load(p);
        if (missing != null) return "agent-auth (version unknown: " + missing + ")";
        return "agent-auth " + p.getProperty("version", "unknown") + " (commit " + p.getProperty("commit", "unknown") + ")";
    }

    /** The version alone (metrics' build_info), or "unknown" for a jar built without it. */
    public static String number() {
        Properties p = new Properties();
        return load(p) == null ? p.getProperty("version", "unknown") : "unknown";
    }

    /** Loads the resource into {@code p}; null when it worked, else what went wrong. */
    private static String load(Properties p) {
        try (InputStream in = Version.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) return "built without " + RESOURCE;
            p.load(in);
            return null;
        } catch (IOException e) {
            return RESOURCE + " unreadable: " + e.getMessage();
        }
    }
}
