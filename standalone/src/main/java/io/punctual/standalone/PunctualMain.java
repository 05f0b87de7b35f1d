package io.punctual.standalone;

import java.util.concurrent.CountDownLatch;

/** {@code java -jar punctual.jar}: runs Punctual standalone until Ctrl-C or SIGTERM. */
public final class PunctualMain {
    private PunctualMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        long started = System.nanoTime();
        StandaloneConfig config;
        try {
            config = StandaloneConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("punctual: " + e.getMessage());
            System.exit(2);
            return;
        }
        Standalone standalone = Standalone.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Punctual is stopping...");
            standalone.close();
            System.out.println("Punctual stopped.");
            stopped.countDown();
        }, "punctual-shutdown"));
        System.out.printf("Punctual started in %d ms%n  REST API:        %s%n  Kafka:           %s%n  Schema registry: %s%n  Data directory:  %s%n  Letta:           %s%n",
                (System.nanoTime() - started) / 1_000_000, standalone.baseUrl(), standalone.bootstrapServers(),
                standalone.schemaRegistryUrl(), config.dataDir().toAbsolutePath().normalize(), config.lettaBaseUrl());
        stopped.await();
    }
}
