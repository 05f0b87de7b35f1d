package io.punctual.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KafkaFixtureTest {

    private final KafkaFixture kafka = KafkaFixture.shared();

    @Test
    void isOneFixturePerJvm() {
        assertThat(KafkaFixture.shared()).isSameAs(kafka);
        assertThat(kafka.kind()).isEqualTo(System.getenv(KafkaFixture.BOOTSTRAP_SERVERS_ENV) != null
            ? KafkaFixture.Kind.EXTERNAL : KafkaFixture.Kind.EMBEDDED);
        assertThat(kafka.uniqueName("topic")).startsWith("topic-").isNotEqualTo(kafka.uniqueName("topic"));
    }

    @Test
    void transactionalRoundTripThroughATopic() throws Exception {
        String topic = kafka.createTopic(kafka.uniqueName("round-trip"), 2);
        Map<String, Object> producerProps = kafka.producerProps();
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueName("tx"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k1", "hello"));
            producer.send(new ProducerRecord<>(topic, "k2", "world"));
            producer.commitTransaction();
        }

        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.consumerProps(kafka.uniqueName("g")))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    values.add(record.value());
                }
                return values.size() >= 2;
            });
        }
        assertThat(values).containsExactlyInAnyOrder("hello", "world");
    }

    @Test
    void sharedAdminSurvivesTryWithResources() throws Exception {
        String topic = kafka.createTopic(kafka.uniqueName("admin"), 1);
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get()).contains(topic);
        }
        assertThat(kafka.admin().describeCluster().nodes().get()).isNotEmpty();
    }

    @Test
    void externalClusterGetsAnEmbeddedRegistryUnlessOneIsNamed() {
        KafkaFixture external = KafkaFixture.start(kafka.bootstrapServers(), null, null);
        try {
            assertThat(external.kind()).isEqualTo(KafkaFixture.Kind.EXTERNAL);
            assertThat(external.bootstrapServers()).isEqualTo(kafka.bootstrapServers());
            assertThat(external.schemaRegistryUrl()).startsWith("http://localhost:").isNotEqualTo(kafka.schemaRegistryUrl());
        } finally {
            external.stop();
        }
        KafkaFixture named = KafkaFixture.start(kafka.bootstrapServers(), "http://registry.example:8081", null);
        try {
            assertThat(named.schemaRegistryUrl()).isEqualTo("http://registry.example:8081");
        } finally {
            named.stop();
        }
    }

    @Test
    void schemaRegistryAnswers() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(kafka.schemaRegistryUrl() + "/config")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("compatibilityLevel");
    }
}
