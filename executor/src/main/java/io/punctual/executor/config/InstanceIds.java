package io.punctual.executor.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Default instance ids: the host name makes them readable in the broker's transaction listing, the random
 * suffix keeps two instances on one host (or a restarted one whose predecessor is still a zombie) apart.
 */
final class InstanceIds {
    private InstanceIds() {
    }

    static String generate() {
        byte[] suffix = new byte[4];
        ThreadLocalRandom.current().nextBytes(suffix);
        return hostName() + "-" + HexFormat.of().formatHex(suffix);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "executor";
        }
    }
}
