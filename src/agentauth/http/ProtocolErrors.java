package agentauth.http;

import agentauth.error.AuthError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers before a request reaches Javalin (request smuggling attempts, folded or
 * oversized headers, bad URIs): the contract's JSON body instead of Jetty's HTML page, which
 * echoes parts of the request and names the server.
 */
public final class ProtocolErrors extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() >= 400 ? response.getStatus() : 500;
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body(status)), callback);
        return true;
    }

    private static byte[] body(int status) {
        AuthError e = switch (status) {
            case 413, 431 -> new AuthError(status, "request_too_large", "The request or its headers are too large.");
            case 400 -> new AuthError(400, "invalid_request", "The request is not valid HTTP.");
            default -> Errors.fromJavalin(status);
        };
        String json = "{\"error\":\"" + e.code() + "\",\"error_description\":\"" + e.description().replace("\"", "'") + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
