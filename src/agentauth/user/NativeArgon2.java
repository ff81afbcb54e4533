package agentauth.user;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Makes argon2-jvm load the libargon2 bundled in the jar, never a system copy: JNA would try
 * the system's first, and which one a host has would then decide the hashing code. The bundled
 * library is copied under its mapped name into a private temp folder put first on JNA's path.
 */
final class NativeArgon2 {
    private static boolean done;

    private NativeArgon2() {}

    static synchronized void useBundled() {
        if (done) return;
        String name = System.mapLibraryName("argon2");
        if (Platform.isMac()) name = "libargon2.dylib"; // JNA's name on macOS, whatever the JDK maps
        String resource = "/" + Platform.RESOURCE_PREFIX + "/" + name;
        try (InputStream in = NativeArgon2.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("no bundled libargon2 for " + Platform.RESOURCE_PREFIX);
            Path dir = Files.createTempDirectory("agent-auth-argon2");
            Path lib = dir.resolve(name);
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            lib.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            NativeLibrary.addSearchPath("argon2", dir.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot unpack the bundled libargon2: " + e.getMessage(), e);
        }
        done = true;
    }
}
