package agentauth.store.sqlite;

import agentauth.error.AuthError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database file's identity (inode), remembered at open and checked before every write and at
 * most once a second on reads: a file deleted or replaced under the running server would
 * otherwise go on taking writes into a deleted inode, or have a fresh empty database created in
 * its place. Either way the server answers 503 and logs it until restarted; it never opens or
 * creates another file by itself.
 */
final class FileIdentity {
    private static final Logger log = LoggerFactory.getLogger(FileIdentity.class);
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private final Path file;
    private final Object identity;
    private volatile long checkedAt = System.nanoTime();
    private volatile String lost; // why, once the file is gone or replaced; never cleared

    FileIdentity(Path file) throws IOException {
        this.file = file;
        this.identity = key(file);
    }

    /** Throws 503 once the file is gone or replaced; checks at most once a second unless {@code now}. */
    void check(boolean now) {
        if (lost == null && (now || System.nanoTime() - checkedAt >= CHECK_INTERVAL_NANOS)) {
            checkedAt = System.nanoTime();
            String why = null;
            try {
                if (!identity.equals(key(file))) why = "was replaced by another file";
            } catch (NoSuchFileException e) {
                why = "was deleted";
            } catch (IOException e) {
                why = null; // cannot tell (e.g. a permission change on the folder): let SQLite decide
            }
            if (why != null) {
                lost = why;
                log.error("the database file {} {} while the server had it open; refusing every request that "
                    + "needs it (never creating a new one): restore the file and restart agent-auth", file, why);
            }
        }
        if (lost != null)
            throw new AuthError.TemporarilyUnavailable("Storage is temporarily unavailable; try again shortly.", 30, null);
    }

    /** Why the file is lost, or null while it is the one opened. */
    String lost() {
        return lost;
    }

    private static Object key(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        // Without inodes (some filesystems), the creation time stands in for the identity.
        return a.fileKey() != null ? a.fileKey() : a.creationTime();
    }
}
