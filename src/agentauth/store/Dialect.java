package agentauth.store;

/**
 * The few places where the SQL of the two databases differs. Everything else is written once,
 * in the SQL both accept (RETURNING, ON CONFLICT, CASE instead of two-argument MAX).
 */
public enum Dialect {
    SQLITE,
    POSTGRES;

    /**
     * Appended to a SELECT that must lock the rows it reads until the transaction ends. SQLite
     * has no row locks and needs none: its writes are serialized whole (BEGIN IMMEDIATE).
     */
    public String forUpdate() {
        return this == POSTGRES ? " FOR UPDATE" : "";
    }
}
