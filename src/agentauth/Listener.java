package agentauth;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * The server's listening socket, bound before anything else is built: with port 0 the system
 * picks a free port once, and the issuer URL is known before the first service needs it (no
 * pick-then-bind race, no rebuilding services to try again).
 */
final class Listener {
    private Listener() {}

    static ServerSocketChannel bind(String host, int port) {
        ServerSocketChannel channel = null;
        try {
            InetAddress address = InetAddress.getByName(host);
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true); // as Jetty does: restart over TIME_WAIT
            channel.bind(new InetSocketAddress(address, port), 1024);
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ConfigException("cannot listen on " + host + ":" + port + ": " + why);
        }
    }

    static int port(ServerSocketChannel channel) {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("the listening socket has no address", e);
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    static void closeQuietly(ServerSocketChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
