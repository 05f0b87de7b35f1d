package io.punctual.planner.state;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The reload's consumer: Kafka Streams' restore consumer of the application, with a short wait at the partition's end. */
class ScheduleReloadTest {
    private static final Map<String, Object> STREAMS = Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, "punctual-planner",
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092",
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
            "security.protocol", "SSL");

    @Test
    void readsCommittedRecordsOnlyOutsideAnyGroupAndWaitsLittleAtTheEnd() {
        Map<String, Object> config = ScheduleReload.consumerConfig(STREAMS);

        assertThat(config).containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry("security.protocol", "SSL")
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10)
                .containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "punctual-planner-schedule-reload")
                .doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG);
    }

    @Test
    void aRestoreConsumerOverrideOfTheWaitIsKept() {
        Map<String, Object> streams = new HashMap<>(STREAMS);
        streams.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 200);

        assertThat(ScheduleReload.consumerConfig(streams)).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200);
    }
}
