package agentauth.http;

import agentauth.error.AuthError;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * GET /clients/python/agent_auth.py: the Python client that matches this server, so an agent
 * fetches the version its server speaks. build.sh copies it into the jar from clients/python,
 * its only source; the bytes are read once, at start.
 */
final class ClientDownloadHandler {
    static final String PYTHON_CLIENT = "/clients/python/agent_auth.py";

    private final byte[] body;  // null: not in the jar (a build without it)
    private final String etag;

    ClientDownloadHandler(String resource) {
        this.body = read(resource);
        this.etag = body == null ? null : "\"" + HexFormat.of().formatHex(sha256(body), 0, 16) + "\"";
    }

    void get(Context ctx) {
        if (body == null) throw new AuthError.NotFound("This server was built without its Python client.");
        // Cacheable like the metadata; the ETag changes with the file, so a revalidation after an
        // upgrade gets the new version
        ctx.header("Cache-Control", "public, max-age=300");
        ctx.header("ETag", etag);
        if (matches(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType("text/x-python; charset=utf-8").result(body);
    }

    /** RFC 9110 §13.1.2: a list of tags, weak comparison, or "*". */
    private boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null) return false;
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) return true;
        }
        return false;
    }

    private static byte[] read(String resource) {
        try (InputStream in = ClientDownloadHandler.class.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the jar", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
