package io.punctual.testkit;

import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka in a Docker container, for checking that nothing depends on the in-JVM broker.
 * The only class that touches Testcontainers, so nothing of it is loaded unless this backend is chosen.
 */
final class TestcontainersKafkaBackend implements KafkaBackend {

    static final String IMAGE = "apache/kafka:4.1.1";

    private final KafkaContainer container;

    private TestcontainersKafkaBackend(KafkaContainer container) {
        this.container = container;
    }

    @SuppressWarnings("resource") // closed by close()
    static KafkaBackend start() {
        KafkaContainer container = new KafkaContainer(IMAGE)
            // Same behaviour as the embedded broker: no accidental topics, no join delay.
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
            .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new TestcontainersKafkaBackend(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public KafkaFixture.Kind kind() {
        return KafkaFixture.Kind.TESTCONTAINERS;
    }

    @Override
    public void close() {
        container.stop();
    }
}
