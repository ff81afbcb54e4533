package agentauth.client;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A real HttpClient that counts the requests it sends by path, so a test can see from the
 * agent's side how many logins and refreshes went over the wire, and how many of them were
 * in flight at once.
 */
final class CountingHttpClient extends HttpClient {
    private final HttpClient delegate = HttpClient.newBuilder().version(Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build(); // generous: CI machines are loaded
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> peaks = new ConcurrentHashMap<>();

    int count(String path) {
        AtomicInteger n = counts.get(path);
        return n == null ? 0 : n.get();
    }

    /** The most requests to {@code path} that {@link #send} had in flight at the same time. */
    int peak(String path) {
        AtomicInteger n = peaks.get(path);
        return n == null ? 0 : n.get();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        String path = request.uri().getPath();
        counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        AtomicInteger sending = inFlight.computeIfAbsent(path, p -> new AtomicInteger());
        peaks.computeIfAbsent(path, p -> new AtomicInteger()).accumulateAndGet(sending.incrementAndGet(), Math::max);
        try {
            return delegate.send(request, handler);
        } finally {
            sending.decrementAndGet();
        }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        counts.computeIfAbsent(request.uri().getPath(), p -> new AtomicInteger()).incrementAndGet();
        return delegate.sendAsync(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> push) {
        counts.computeIfAbsent(request.uri().getPath(), p -> new AtomicInteger()).incrementAndGet();
        return delegate.sendAsync(request, handler, push);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
