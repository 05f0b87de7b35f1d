package io.punctual.bench.headline;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the benchmarks' child processes. A port the system hands out ({@code new ServerSocket(0)}) comes from the
 * ephemeral range (32768–60999 on Linux), where the children's own outgoing connections (Kafka clients, HTTP
 * clients) take their local ports too: a gateway started a minute after its port was chosen once found it taken.
 * So a free port is picked below that range.
 */
public final class BenchPorts {
    private static final int LOWEST = 20_000;
    private static final int BELOW_EPHEMERAL = 32_768;

    private BenchPorts() {
    }

    public static int freePort() throws IOException {
        return freePorts(1)[0];
    }

    /**
     * {@code n} distinct free ports: each stays bound until all are chosen, so two picks cannot land on the same
     * port (a child once got one port for both its broker and its HTTP server and failed to start).
     */
    public static int[] freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket socket = bindFree();
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }

    private static ServerSocket bindFree() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, BELOW_EPHEMERAL);
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(port));
                return socket;
            } catch (IOException taken) {
                socket.close(); // try another
            }
        }
        throw new IOException("no free port between " + LOWEST + " and " + BELOW_EPHEMERAL);
    }
}
