package io.punctual.testkit;

import io.punctual.embedded.kafka.EmbeddedKafka;

import java.util.Map;

/** The default: Kafka's own broker in this JVM, on a temporary directory and an ephemeral port. */
final class EmbeddedKafkaBackend implements KafkaBackend {

    private final EmbeddedKafka kafka;

    EmbeddedKafkaBackend(Map<String, ?> brokerProperties) {
        this.kafka = EmbeddedKafka.builder().brokerProperties(brokerProperties).build().start();
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public KafkaFixture.Kind kind() {
        return KafkaFixture.Kind.EMBEDDED;
    }

    @Override
    public void close() {
        kafka.close();
    }
}
