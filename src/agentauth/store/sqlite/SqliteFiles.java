package agentauth.store.sqlite;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The files of a SQLite database: created owner-only (0600), since they hold the password
 * hashes and the sealed keys. SQLite gives {@code -wal} and {@code -shm} the mode of the database
 * file, so creating the database file owner-only before SQLite opens it covers all three.
 */
public final class SqliteFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SqliteFiles() {}

    /** Why {@code db} cannot be a database file, or null when it can: one line for the operator. */
    public static String problem(Path db, boolean mayCreate) {
        Path absolute = db.toAbsolutePath();
        if (Files.isDirectory(absolute)) return absolute + " is a folder, not a database file (--db names the file)";
        if (Files.exists(absolute)) return null;
        if (!mayCreate) return "there is no database at " + absolute + " (check --db; only the server creates one)";
        Path parent = absolute.getParent();
        if (parent != null && !Files.isDirectory(parent)) return "the folder " + parent + " of the database does not exist";
        return null;
    }

    /** Creates an empty, owner-only file at {@code db} if none exists yet. */
    public static void createOwnerOnly(Path db) throws IOException {
        try {
            Files.createFile(db, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            // a file is there already: SQLite opens it as it is
        } catch (UnsupportedOperationException e) {
            if (!Files.exists(db)) Files.createFile(db); // not POSIX (Windows): the folder's permissions apply
        }
    }

    /** Makes an existing file owner-only (where the file system has POSIX permissions). */
    public static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } catch (UnsupportedOperationException e) {
            // not POSIX: the folder's permissions apply
        }
    }
}
