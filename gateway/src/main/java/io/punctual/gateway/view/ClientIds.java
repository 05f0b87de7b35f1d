package io.punctual.gateway.view;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names the views' consumers, so their metrics and the broker's request logs say which tail or barrier a request
 * came from (unnamed, Kafka calls them {@code consumer-null-N}). Numbered like Kafka's own names, because a client
 * id is also a JMX name and two gateways in one JVM (tests, the standalone's restarts) must not share one.
 */
final class ClientIds {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private ClientIds() {
    }

    static String next(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet();
    }
}
