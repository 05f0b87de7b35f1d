package io.punctual.testkit;

/** Where the shared test cluster comes from: the in-JVM broker, a container, or a cluster someone else runs. */
interface KafkaBackend extends AutoCloseable {

    String bootstrapServers();

    KafkaFixture.Kind kind();

    @Override
    void close();
}
