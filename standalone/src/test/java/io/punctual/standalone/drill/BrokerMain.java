package io.punctual.standalone.drill;

import io.punctual.embedded.kafka.EmbeddedKafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** The embedded KRaft broker as a process of its own: {@code BrokerMain <data directory> <port>}, until SIGTERM. */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.builder().dataDirectory(Path.of(args[0])).port(Integer.parseInt(args[1])).build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("BROKER READY " + kafka.bootstrapServers());
        stopped.await();
    }
}
