package agentauth.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One server per SQLite file: the server holds an exclusive lock on {@code <db>.lock} while it
 * runs (the operating system drops it when the process ends, however it ends). A second server
 * would keep throttle counters and caches of its own, doubling the guessing limits. The
 * {@code users} and {@code backup} commands do not take it: they may run beside the server.
 */
public final class ServerLock implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ServerLock.class);
    private final FileChannel channel;
    private final FileLock lock;

    private ServerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static Path fileFor(Path db) {
        return db.toAbsolutePath().resolveSibling(db.getFileName() + ".lock");
    }

    /**
     * Takes the lock, or throws naming the file and the server that holds it. On a read-only
     * file system there is no lock to take, and none is needed: no server can write there.
     */
    public static ServerLock acquire(Path db) {
        Path file = fileFor(db);
        FileChannel channel = null;
        try {
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (java.nio.file.FileSystemException e) {
                if (!readOnly(db)) throw e;
                log.warn("{} is on a read-only file system: serving it without the one-server lock", db.toAbsolutePath());
                return new ServerLock(null, null);
            }
            SqliteFiles.ownerOnly(file);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this process serves it already
            }
            if (lock == null) {
                String holder = StandardCharsets.US_ASCII.decode(read(channel)).toString().trim();
                throw new IllegalStateException("another agent-auth server" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                    + " is serving " + db.toAbsolutePath() + "; stop it first (users and backup may run beside it)");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new ServerLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static ByteBuffer read(FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        channel.read(b, 0);
        b.flip();
        return b;
    }

    private static boolean readOnly(Path db) {
        try {
            return java.nio.file.Files.getFileStore(db.toAbsolutePath().getParent()).isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (lock == null) return;
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close releases it anyway
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
