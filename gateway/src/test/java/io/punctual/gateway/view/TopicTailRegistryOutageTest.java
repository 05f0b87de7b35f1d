package io.punctual.gateway.view;

import io.punctual.schemas.serde.SchemaRegistryException;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A view's record that cannot be decoded because the registry is down is read again, not left out of the view. */
class TopicTailRegistryOutageTest {

    @Test
    void aRecordThatMetARegistryOutageIsReadAgainAndTheOnesBehindItWait() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        String topic = kafka.createTopic(kafka.uniqueName("view-tail"), 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.producerProps())) {
            producer.send(new ProducerRecord<>(topic, "k", "first")).get();
            producer.send(new ProducerRecord<>(topic, "k", "second")).get();
        }
        AtomicInteger outageAnswers = new AtomicInteger(3);
        List<String> applied = new CopyOnWriteArrayList<>();
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (TopicTail tail = new TopicTail(topic, true, props, record -> {
            if (outageAnswers.getAndDecrement() > 0) {
                throw new SchemaRegistryException(503, "GET schemas/ids/1: registry unavailable");
            }
            applied.add(new String(record.value()));
        }).start()) {
            await("both records in the view").atMost(Duration.ofSeconds(30)).until(() -> applied.size() >= 2);
            assertThat(applied).containsExactly("first", "second");
        }
    }
}
