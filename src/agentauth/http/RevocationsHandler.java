package agentauth.http;

import agentauth.revocation.RevocationList;
import agentauth.store.RevocationStore;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GET /revocations (contract B): public, like the JWKS. The ETag comes from the list's version
 * alone, so every instance answers 304 alike; the body is serialized once per version.
 */
final class RevocationsHandler {
    private record Cached(RevocationList.Document document, byte[] body) {}

    private final RevocationList revocations;
    private volatile Cached cached;

    RevocationsHandler(RevocationList revocations) {
        this.revocations = revocations;
    }

    void get(Context ctx) {
        RevocationList.Document d = revocations.current(); // 503 when this instance could not read it for 3 s
        RevocationStore.Snapshot list = d.list();
        String etag = "\"" + list.version() + "\"";
        ctx.header("Cache-Control", "max-age=" + RevocationList.MAX_AGE.toSeconds());
        ctx.header("ETag", etag);
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        Cached c = cached; // serialized once per read of the list (at most once a second), so issued_at stays true
        if (c == null || c.document() != d) cached = c = new Cached(d, body(d));
        ctx.contentType("application/json").result(c.body());
    }

    private static byte[] body(RevocationList.Document d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", d.list().version());
        m.put("issued_at", AdminJson.time(d.issuedAt()));
        m.put("max_age", RevocationList.MAX_AGE.toSeconds());
        m.put("subjects", d.list().subjects());
        m.put("families", d.list().families());
        m.put("kids", d.list().kids());
        return Json.bytes(m);
    }
}
