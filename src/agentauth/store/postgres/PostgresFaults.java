package agentauth.store.postgres;

import agentauth.store.FaultLog;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * PostgreSQL's failures the server recovers from by itself (the server down or restarting, no
 * connection within the pool's timeout, a lock held too long, too many connections, a full disk,
 * a read-only standby): 503 with Retry-After, logged once ({@link FaultLog}); anything else is a
 * bug (500). Deadlocks and serialization failures are retried first (see PostgresDatabase).
 */
final class PostgresFaults {
    private final FaultLog log;

    PostgresFaults(String where) {
        this.log = new FaultLog(where);
    }

    /** True for a deadlock or serialization failure: nothing was committed, the transaction may run again. */
    static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    static String reason(SQLException e) {
        if (e instanceof SQLTransientConnectionException) return "no database connection within the pool's timeout";
        String state = e.getSQLState();
        if (state == null) return null;
        if (state.startsWith("08")) return "the database connection failed";
        if (state.startsWith("57P")) return "the database is shutting down or starting";
        if (state.startsWith("53")) return "the database is out of resources (connections, disk or memory)";
        if (state.equals("55P03")) return "a database lock was held too long";
        if (state.equals("25006")) return "the database is read-only";
        if (retryable(e)) return "the database kept meeting concurrent updates";
        return null;
    }

    /** The first storage fault among {@code e}'s causes, if any (a nested call may have wrapped it). */
    static SQLException faultIn(Throwable e) {
        Throwable c = e;
        for (int depth = 0; c != null && depth < 8; depth++, c = c.getCause())
            if (c instanceof SQLException sql && (reason(sql) != null)) return sql;
        return null;
    }

    RuntimeException toError(SQLException e) {
        String why = reason(e);
        if (why == null) return new IllegalStateException("database error: " + e.getMessage(), e);
        return log.unavailable(why, e, 2);
    }

    void answered() {
        log.answered();
    }
}
