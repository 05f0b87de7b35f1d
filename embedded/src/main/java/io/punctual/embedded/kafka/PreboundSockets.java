package io.punctual.embedded.kafka;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.ServerSocketFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * Binds listener sockets before the broker starts and hands them to Kafka's socket server.
 *
 * <p>Binding ourselves means an ephemeral port is known before the configuration is written (the controller
 * quorum voter string needs the controller port) and there is no window in which another process could take
 * a port we probed as free.
 */
final class PreboundSockets implements ServerSocketFactory, AutoCloseable {

    private final Map<String, ServerSocketChannel> unclaimed = new HashMap<>();

    /** Binds {@code host:port} (port 0 = ephemeral) for the named listener and returns the bound port. */
    synchronized int bind(String listenerName, String host, int port) throws IOException {
        ServerSocketChannel channel = ServerSocketFactory.INSTANCE.openServerSocket(
            listenerName, new InetSocketAddress(host, port), -1, -1);
        unclaimed.put(listenerName, channel);
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    @Override
    public synchronized ServerSocketChannel openServerSocket(String listenerName,
                                                             InetSocketAddress socketAddress,
                                                             int listenBacklogSize,
                                                             int recvBufferSize) throws IOException {
        ServerSocketChannel channel = unclaimed.remove(listenerName);
        if (channel != null && channel.isOpen()) {
            // From here on the socket server owns the channel and closes it on shutdown.
            return channel;
        }
        return ServerSocketFactory.INSTANCE.openServerSocket(listenerName, socketAddress, listenBacklogSize, recvBufferSize);
    }

    /** Releases sockets the broker never claimed (start-up failed before its socket server ran). */
    @Override
    public synchronized void close() {
        unclaimed.values().forEach(channel -> Utils.closeQuietly(channel, "prebound listener socket"));
        unclaimed.clear();
    }
}
