package io.punctual.gateway;

import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

/** No record of any topic of the broker and no log line of this test JVM holds a Letta key in plaintext. */
class NoPlaintextKeyTest {

    @Test
    void keysAreNeverInRecordsResponsesOrLogs() throws Exception {
        GatewayHarness gateway = GatewayHarness.shared();
        // Every door writes a key: the v1 create, the seed create with the key in the body, Letta's own.
        String agent = "agent-" + UUID.randomUUID();
        assertThat(gateway.postJson("/v1/schedules", KEY_A, V1SchedulesTest.onceBody(agent)).body()).doesNotContain(KEY_A);
        assertThat(gateway.send("POST", "/schedules/one-time", null, "application/json", "{\"agent_id\": \"" + agent + "\", \"api_key\": \""
                + KEY_B + "\", \"execute_at\": \"" + Instant.now().plusSeconds(3600) + "\", \"message\": \"m\"}").body()).doesNotContain(KEY_B);
        assertThat(gateway.postJson("/v1/agents/" + agent + "/schedule", KEY_A, "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                + " \"schedule\": {\"type\": \"recurring\", \"cron_expression\": \"0 9 * * *\"}}").body()).doesNotContain(KEY_A);
        // A refused key and a failed Letta check are logged without the key too.
        gateway.get("/v1/schedules", "sk-let-refused-" + UUID.randomUUID());

        List<byte[]> keys = List.of(KEY_A.getBytes(StandardCharsets.UTF_8), KEY_B.getBytes(StandardCharsets.UTF_8));
        String bootstrap = KafkaFixture.shared().bootstrapServers();
        int records = 0;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
            assertThat(topics).contains("punctual.commands", "punctual.schedules", "punctual.command-results");
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    for (byte[] key : keys) {
                        assertThat(contains(record.value(), key)).as("plaintext key in %s", record.topic()).isFalse();
                        assertThat(contains(record.key(), key)).as("plaintext key in a key of %s", record.topic()).isFalse();
                        record.headers().forEach(h -> assertThat(contains(h.value(), key)).isFalse());
                    }
                }
            }
        }
        assertThat(records).isGreaterThan(0);
        assertThat(CapturedLogs.lines()).isNotEmpty().noneMatch(line -> line.contains(KEY_A) || line.contains(KEY_B) || line.contains("sk-let-refused-"));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return false;
        }
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
