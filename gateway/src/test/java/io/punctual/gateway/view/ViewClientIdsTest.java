package io.punctual.gateway.view;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The views' consumers carry names that say what they follow, distinct per instance (a client id is a JMX name), and
 * the read barrier's look-ups log nothing.
 */
class ViewClientIdsTest {

    @Test
    void tailsAndBarriersAreNamedForTheirTopicAndTheBarriersLookUpsLogNothing() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        String topic = kafka.createTopic(kafka.uniqueName("view-ids"), 1);
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        Logger consumerLogs = (Logger) LoggerFactory.getLogger("org.apache.kafka.clients.consumer");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        consumerLogs.addAppender(logged);
        try (TopicTail first = new TopicTail(topic, true, props, record -> { }).start();
             TopicTail second = new TopicTail(topic, true, props, record -> { }).start();
             ReadBarrier barrier = new ReadBarrier(topic, first, props, Duration.ofMillis(10))) {
            for (int round = 0; round < 5; round++) {
                assertThat(barrier.await(Duration.ofSeconds(30))).isTrue();
            }
            assertThat(consumerClientIds())
                    .filteredOn(id -> id.startsWith("punctual-gateway-tail-" + topic + "-"))
                    .hasSize(2);
            assertThat(consumerClientIds())
                    .filteredOn(id -> id.startsWith("punctual-gateway-barrier-" + topic + "-"))
                    .hasSize(1);
        } finally {
            consumerLogs.detachAppender(logged);
        }
        // Kafka 4.1 logs "Not updating last stable offset ... no longer assigned" at WARN for every partition of a
        // look-up by a consumer that has not assigned them: a line per partition and read round.
        assertThat(logged.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(message -> message.contains("no longer assigned"));
    }

    private static List<String> consumerClientIds() throws Exception {
        return ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName("kafka.consumer:type=consumer-metrics,client-id=*"), null).stream()
                .map(name -> name.getKeyProperty("client-id"))
                .toList();
    }
}
