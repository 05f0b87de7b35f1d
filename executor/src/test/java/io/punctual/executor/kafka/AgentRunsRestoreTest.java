package io.punctual.executor.kafka;

import io.punctual.executor.config.ExecutorSettings;
import io.punctual.executor.runs.AgentGate;
import io.punctual.executor.support.Fires;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.schemas.AgentRuns;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.WaitingFire;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An executor killed mid-transaction leaves the transaction open until the broker aborts it; an agent's state
 * committed after it (by the partition's next owner) must still be restored, or a fire waiting in that state, whose
 * offset that commit carried, is never delivered. Real broker: the open transaction is the point.
 */
class AgentRunsRestoreTest {
    private static KafkaFixture kafka;

    @BeforeAll
    static void start() {
        // The broker looks for timed-out transactions every second instead of every 10 s: the test waits for one.
        kafka = KafkaFixture.isolated(Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));
        kafka.createTopic(Topics.AGENT_RUNS.name(), 1);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void aStateCommittedAfterADeadInstancesOpenTransactionIsRestored() {
        TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
        AgentRunRecords records = new AgentRunRecords(serdes);
        records.registerSchema();
        DueEvent waitingFire = new Fires(null).kafkaFire("orders", "k", "{}");

        KafkaProducer<byte[], byte[]> dead = producer("dead-" + UUID.randomUUID(), 2_000);
        dead.initTransactions();
        dead.beginTransaction();
        dead.send(records.of(new AgentGate.State("agent-of-the-dead", 0, 1, new AgentRuns("agent-of-the-dead", List.of(), List.of()))));
        dead.flush();
        // Never committed nor aborted: the process was killed here.

        try (KafkaProducer<byte[], byte[]> next = producer("next-" + UUID.randomUUID(), 60_000)) {
            next.initTransactions();
            next.beginTransaction();
            next.send(records.of(new AgentGate.State("agent-a", 0, 1,
                    new AgentRuns("agent-a", List.of(), List.of(new WaitingFire(waitingFire, Instant.now()))))));
            next.commitTransaction();
        }

        ExecutorKafkaClients clients = new ExecutorKafkaClients(new KafkaSettings(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers())),
                new ExecutorSettings("group", "restore-test", 4, Duration.ofSeconds(30), "http://letta"), 10);
        long started = System.nanoTime();
        Collection<AgentRuns> restored = records.restore(clients, List.of(0)).get(0);

        assertThat(restored).extracting(AgentRuns::getAgentId).containsExactly("agent-a");
        assertThat(restored.iterator().next().getWaiting()).extracting(w -> w.getFire().getFireId()).containsExactly(waitingFire.getFireId());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("waited for the broker to abort the dead transaction")
                .isGreaterThan(Duration.ofMillis(500));
        dead.close(Duration.ZERO);
    }

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId, int transactionTimeoutMs) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, transactionTimeoutMs);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(props);
    }
}
