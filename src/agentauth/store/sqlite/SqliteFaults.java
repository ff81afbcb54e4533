package agentauth.store.sqlite;

import agentauth.store.FaultLog;
import java.sql.SQLException;

/**
 * SQLite's storage faults (read-only file, full disk, I/O errors, a lock held too long by another
 * process): the server recovers from them by itself, so they become 503; anything else is a bug
 * (500), logged once per fault ({@link FaultLog}).
 */
final class SqliteFaults {
    private final FaultLog log;

    SqliteFaults(String file) {
        this.log = new FaultLog(file);
    }

    static String reason(SQLException e) {
        return switch (e.getErrorCode() & 0xFF) {
            case 3, 8 -> "the database file is read-only";
            case 13 -> "the disk is full";
            case 10 -> "an I/O error on the database file";
            case 14 -> "the database file cannot be opened";
            case 5, 6 -> "the database is locked by another process";
            case 11, 26 -> "the database file is damaged or was replaced";
            default -> null;
        };
    }

    static boolean isStorageFault(SQLException e) {
        return reason(e) != null;
    }

    /** True for the faults after which SQLite's connections stay read-only: reopen them all. */
    static boolean needsReopen(SQLException e) {
        int primary = e.getErrorCode() & 0xFF;
        return primary == 8 || primary == 10 || primary == 14;
    }

    /** The storage-fault SQLException in {@code e}'s causes, if any (a nested call may have wrapped it). */
    static SQLException storageFaultIn(Throwable e) {
        Throwable c = e;
        for (int depth = 0; c != null && depth < 8; depth++, c = c.getCause())
            if (c instanceof SQLException sql && isStorageFault(sql)) return sql;
        return null;
    }

    RuntimeException toError(SQLException e) {
        String why = reason(e);
        if (why == null) return new IllegalStateException("database error: " + e.getMessage(), e);
        return log.unavailable(why, e, 5);
    }

    void committed() {
        log.answered();
    }
}
