package io.punctual.embedded.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void producedRecordsAreConsumedByAGroup() throws Exception {
        String topic = "plain-" + UUID.randomUUID();
        createTopic(kafka.bootstrapServers(), topic, 3);

        try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get();
            }
        }

        List<String> values = consumeAll(kafka.bootstrapServers(), topic, "group-" + UUID.randomUUID(), 10);
        assertThat(values).hasSize(10).contains("value-0", "value-9");
    }

    @Test
    void committedTransactionIsVisibleToReadCommittedConsumer() throws Exception {
        String topic = "tx-" + UUID.randomUUID();
        createTopic(kafka.bootstrapServers(), topic, 1);

        try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID()))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
        }

        assertThat(consumeAll(kafka.bootstrapServers(), topic, "group-" + UUID.randomUUID(), 1))
            .containsExactly("committed");
    }

    @Test
    void autoTopicCreationIsOff() throws Exception {
        try (Admin admin = admin(kafka.bootstrapServers())) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            assertThat(admin.listTopics().names().get()).doesNotContain("never-created");
        }
        try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers(),
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("never-created", "v")).get())
                .hasMessageContaining("never-created");
        }
    }

    @Test
    void topicsAndRecordsSurviveARestartOnTheSameDirectory(@TempDir Path dir) throws Exception {
        String clusterId;
        int firstPort;
        try (EmbeddedKafka first = EmbeddedKafka.builder().dataDirectory(dir).build().start()) {
            clusterId = first.clusterId();
            firstPort = first.port();
            assertThat(first.bootstrapServers()).isEqualTo("localhost:" + firstPort);
            createTopic(first.bootstrapServers(), "durable", 2);
            try (KafkaProducer<String, String> producer = producer(first.bootstrapServers(),
                    Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "durable-writer"))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("durable", "a", "before-restart-1"));
                producer.send(new ProducerRecord<>("durable", "b", "before-restart-2"));
                producer.commitTransaction();
            }
            assertThat(consumeAll(first.bootstrapServers(), "durable", "durable-group", 2)).hasSize(2);
        }

        // Second start on the port the first one had, the way the standalone restarts on its fixed 9092.
        try (EmbeddedKafka second = EmbeddedKafka.builder().dataDirectory(dir).port(firstPort).build().start()) {
            assertThat(second.clusterId()).isEqualTo(clusterId);
            assertThat(second.bootstrapServers()).isEqualTo("localhost:" + firstPort);
            try (Admin admin = admin(second.bootstrapServers())) {
                assertThat(admin.listTopics().names().get()).contains("durable");
            }
            // A fresh group sees all records; the old group's committed offsets survived too.
            assertThat(consumeAll(second.bootstrapServers(), "durable", "fresh-group", 2))
                .containsExactlyInAnyOrder("before-restart-1", "before-restart-2");
            try (Admin admin = admin(second.bootstrapServers())) {
                assertThat(admin.listConsumerGroupOffsets("durable-group").partitionsToOffsetAndMetadata().get())
                    .isNotEmpty();
            }
        }
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(Set.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        props.putAll(extra);
        return new KafkaProducer<>(props);
    }

    static List<String> consumeAll(String bootstrap, String topic, String group, int expected) {
        Map<String, Object> props = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            // Keep polling briefly so that unexpected extra records (e.g. aborted ones) would show up.
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
                values.add(record.value());
            }
            consumer.commitSync();
        }
        return values;
    }
}
