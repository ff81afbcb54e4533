package agentauth.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The outermost handler of every request: gives it its id (echoed at once in
 * {@code X-Request-Id}, so even a 408 for a slow body carries it), and reports its outcome when
 * the answer has been sent, with the time from arrival to the end of the answer. It wraps the
 * body buffering, so a request whose body never came is counted too.
 */
public final class RequestScope extends Handler.Wrapper {
    static final String ATTRIBUTE = Exchange.class.getName();

    /** Told once per request, on whatever thread completed it. Must not throw. */
    public interface Outcome {
        void finished(Exchange exchange, int status, long nanos);
    }

    private final Outcome outcome;

    public RequestScope(Handler inner, Outcome outcome) {
        super(inner);
        this.outcome = outcome;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        Exchange x = new Exchange(RequestId.accept(request.getHeaders().get(RequestId.HEADER)), request.getMethod(),
            request.getHttpURI().getPath(), Request.getRemoteAddr(request));
        request.setAttribute(ATTRIBUTE, x);
        response.getHeaders().put(RequestId.HEADER, x.id());
        Callback reporting = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                report(x, response, start);
                super.succeeded();
            }

            @Override
            public void failed(Throwable cause) {
                report(x, response, start);
                super.failed(cause);
            }
        };
        boolean handled;
        try {
            handled = super.handle(request, response, reporting);
        } catch (Exception | Error e) {
            outcome.finished(x, 500, System.nanoTime() - start);
            throw e;
        }
        if (!handled) outcome.finished(x, 404, System.nanoTime() - start); // Jetty answers it with its own callback
        return handled;
    }

    private void report(Exchange x, Response response, long start) {
        try {
            outcome.finished(x, response.getStatus(), System.nanoTime() - start);
        } catch (RuntimeException e) {
            // counting must never fail an answer
        }
    }
}
