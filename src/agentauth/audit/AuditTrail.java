package agentauth.audit;

import agentauth.store.AuditLog;
import java.time.Instant;
import java.util.List;

/** The audit log as the admin reads it: events newest first, a page at a time. */
public final class AuditTrail {
    public record Event(long id, Instant time, String type, String user, String actor, String address, String detail,
                        String instance) {}

    /** One page and the cursor for the next (null at the end). */
    public record Page(List<Event> events, Long next) {}

    private final AuditLog log;

    public AuditTrail(AuditLog log) {
        this.log = log;
    }

    public static boolean isType(String type) {
        return AuditLog.TYPES.contains(type);
    }

    /** {@code before}: the cursor of the previous page (an event id), or null; {@code user} matches ignoring case. */
    public Page page(int limit, Long before, String user, String type) {
        AuditLog.Page p = log.list(limit, before, user, type);
        List<Event> events = p.events().stream()
            .map(e -> new Event(e.id(), e.time(), e.type(), e.user(), e.actor(), e.address(), e.detail(), e.instance())).toList();
        return new Page(events, p.next());
    }
}
