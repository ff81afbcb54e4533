package agentauth.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slow-upload attack of issue 13, as a tool for tests and measurements: {@code count}
 * connections each send the headers of a POST with a large Content-Length, then one body byte
 * every {@code every}. A connection the server answers or closes is replaced at once, so the
 * pressure stays on. One thread and one selector for all of them; loopback only.
 */
public final class SlowUploads implements AutoCloseable {
    private final InetSocketAddress server;
    private final byte[] head;
    private final int count;
    private final long everyNanos;
    private final Selector selector;
    private final Thread thread;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final List<String> samples = new ArrayList<>();
    private volatile boolean running = true;

    private SlowUploads(String baseUrl, String path, int count, int contentLength, Duration every) throws IOException {
        URI u = URI.create(baseUrl);
        this.server = new InetSocketAddress(u.getHost(), u.getPort());
        this.head = ("POST " + path + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
            + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n{")
            .getBytes(StandardCharsets.US_ASCII);
        this.count = count;
        this.everyNanos = every.toNanos();
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "slow-uploads");
        this.thread.setDaemon(true);
    }

    /** Opens the connections and starts trickling. */
    public static SlowUploads start(String baseUrl, String path, int count, int contentLength, Duration every) {
        try {
            SlowUploads s = new SlowUploads(baseUrl, path, count, contentLength, every);
            for (int i = 0; i < count; i++) s.connect();
            s.thread.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connections open now (headers sent, body unfinished). */
    public int open() {
        return open.get();
    }

    /** How the server ended connections: the status line of its answer, or "closed" without one. */
    public Map<String, Integer> answers() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        answers.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** How many connections the server ended so far, with an answer or without. */
    public int ended() {
        return answers.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** A few whole answers, as the server wrote them. */
    public synchronized List<String> samples() {
        return List.copyOf(samples);
    }

    private void connect() throws IOException {
        SocketChannel ch = SocketChannel.open(server);
        ch.write(ByteBuffer.wrap(head));
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ);
        open.incrementAndGet();
    }

    private void run() {
        long nextByte = System.nanoTime() + everyNanos;
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (running) {
            try {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) ended(key, read(key, buf));
                selector.selectedKeys().clear();
                if (System.nanoTime() >= nextByte) {
                    nextByte += everyNanos;
                    for (SelectionKey key : List.copyOf(selector.keys())) trickle(key);
                }
                while (running && open.get() < count) connect();
            } catch (IOException e) {
                if (running) answers.computeIfAbsent("connect failed: " + e.getMessage(), k -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    /** The server's answer on this connection, or "closed" when it hung up without one. */
    private static String read(SelectionKey key, ByteBuffer buf) {
        StringBuilder answer = new StringBuilder();
        try {
            buf.clear();
            while (((SocketChannel) key.channel()).read(buf) > 0) {
                answer.append(new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1));
                buf.clear();
            }
        } catch (IOException e) {
            // reset by the server: counted as closed below if nothing came before it
        }
        return answer.length() == 0 ? null : answer.toString();
    }

    private void ended(SelectionKey key, String answer) {
        if (!key.isValid()) return; // ended already
        String status = answer == null ? "closed" : answer.split("\r\n", 2)[0];
        answers.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
        if (answer != null) synchronized (this) { if (samples.size() < 5) samples.add(answer); }
        drop(key);
    }

    private void trickle(SelectionKey key) {
        if (!key.isValid()) return;
        try {
            ((SocketChannel) key.channel()).write(ByteBuffer.wrap(new byte[] {' '}));
        } catch (IOException e) {
            ended(key, null);
        }
    }

    private void drop(SelectionKey key) {
        if (!key.isValid()) return;
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // gone anyway
        }
        open.decrementAndGet();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt(); // a connect blocked on a full accept queue ends now: no socket escapes the close below
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            for (SelectionKey key : selector.keys()) key.channel().close();
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
