package agentauth.http;

import agentauth.error.AuthError;
import java.nio.ByteBuffer;
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
        response.write(true, ByteBuffer.wrap(Errors.body(error(status))), callback);
        return true;
    }

    private static AuthError error(int status) {
        return switch (status) {
            case 413, 431 -> new AuthError.RequestTooLarge(status, "The request or its headers are too large.");
            case 400 -> new AuthError.InvalidRequest("The request is not valid HTTP.");
            case 408 -> BodyBuffer.tooSlow();
            default -> Errors.fromJavalin(status);
        };
    }
}
