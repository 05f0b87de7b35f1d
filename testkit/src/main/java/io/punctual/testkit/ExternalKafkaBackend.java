package io.punctual.testkit;

/** A cluster started outside the tests (named by {@code KAFKA_BOOTSTRAP_SERVERS}); never stopped by us. */
final class ExternalKafkaBackend implements KafkaBackend {

    private final String bootstrapServers;

    ExternalKafkaBackend(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public KafkaFixture.Kind kind() {
        return KafkaFixture.Kind.EXTERNAL;
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
