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
        try (InputStream in = Version.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) return "agent-auth (version unknown: built without " + RESOURCE + ")";
            p.load(in);
        } catch (IOException e) {
            return "agent-auth (version unknown: " + RESOURCE + " unreadable: " + e.getMessage() + ")";
        }
        return "agent-auth " + p.getProperty("version", "unknown") + " (commit " + p.getProperty("commit", "unknown") + ")";
    }

    /** The version alone (metrics' build_info), or "unknown" for a jar built without it. */
    public static String number() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) return "unknown";
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
