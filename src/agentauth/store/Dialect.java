package agentauth.store;

/**
 * The few places where the SQL of the two databases differs. Everything else is written once,
 * in the SQL both accept (RETURNING, ON CONFLICT, CASE instead of two-argument MAX).
 */
public enum Dialect {
    SQLITE,
    POSTGRES;

    /**
     * The column that orders a table's rows as they were inserted (ties of equal times): SQLite's
     * implicit rowid; PostgreSQL has none, so its tables that need one carry {@code seq}.
     */
    public String insertionOrder() {
        return this == POSTGRES ? "seq" : "rowid";
    }

    /**
     * Appended to a SELECT that must lock the rows it reads of {@code table} (a name or alias in
     * its FROM) until the transaction ends. SQLite has no row locks and needs none: its writes
     * are serialized whole (BEGIN IMMEDIATE).
     */
    public String forUpdateOf(String table) {
        return this == POSTGRES ? " FOR UPDATE OF " + table : "";
    }
}
