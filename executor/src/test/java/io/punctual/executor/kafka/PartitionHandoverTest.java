package io.punctual.executor.kafka;

import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.support.Fires;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The rebalance listener alone, against a stand-in for the loop it serves (no agent gate). */
class PartitionHandoverTest {
    private static final TopicPartition P0 = new TopicPartition(Topics.DUE.name(), 0);
    private static final TopicPartition P1 = new TopicPartition(Topics.DUE.name(), 1);
    private static final Duration REVOCATION_WAIT = Duration.ofMillis(300);

    private final Fires fires = new Fires(KeyMaterial.generate().apiKeyCipher());
    private final LoopStandIn loop = new LoopStandIn();
    private final TransactionalCommitter committer = new TransactionalCommitter(() -> new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()), UserTopicCheck.NONE);
    private final PartitionHandover handover = new PartitionHandover(loop, committer, null, null, REVOCATION_WAIT, Duration.ofMillis(50));

    @Test
    void lostPartitionsDropTheBatchAndAreReadAgainFromItsStart() {
        loop.inFlight = batch(Map.of(P0, List.of(new CompletableFuture<>(), new CompletableFuture<>())));

        handover.onPartitionsLost(List.of(P0));

        assertThat(loop.inFlight).isNull();
        assertThat(loop.rewound).containsExactly(Map.of(P0, 0L));
        assertThat(loop.commits).as("another member owns them: nothing committed").isZero();
    }

    @Test
    void aRevokedPartitionCommitsWhatItSettledAndLeavesTheRestToTheNextOwner() {
        CompletableFuture<ExecutionResult> neverAnswers = new CompletableFuture<>();
        InFlightBatch batch = batch(Map.of(P0, List.of(settled()), P1, List.of(neverAnswers)));
        loop.inFlight = batch;

        long started = System.nanoTime();
        handover.onPartitionsRevoked(List.of(P1));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the revocation wait").isLessThan(REVOCATION_WAIT.plusSeconds(10));
        assertThat(loop.commits).isEqualTo(1);
        assertThat(batch.touchesAny(List.of(P1))).as("forgotten: the next owner's").isFalse();
        assertThat(loop.inFlight).as("P0's fire is not committed yet by the stand-in").isSameAs(batch);
        assertThat(loop.rewound).isEmpty();
    }

    @Test
    void partitionsAssignedMidBatchArePausedAndOthersAreNot() {
        handover.onPartitionsAssigned(List.of(P1));
        assertThat(loop.paused).isEmpty();

        loop.inFlight = batch(Map.of(P0, List.of(settled())));
        handover.onPartitionsAssigned(List.of(P1));
        assertThat(loop.paused).containsExactly(P1);
    }

    @Test
    void aRevokedPartitionOutsideTheBatchCommitsNothing() {
        loop.inFlight = batch(Map.of(P0, List.of(new CompletableFuture<>())));

        handover.onPartitionsRevoked(List.of(P1));

        assertThat(loop.commits).isZero();
        assertThat(loop.inFlight).isNotNull();
    }

    private CompletableFuture<ExecutionResult> settled() {
        DueEvent fire = fires.kafkaFire("taking", null, "{}");
        Instant now = Instant.now();
        return CompletableFuture.completedFuture(ExecutionResults.delivered(fire, now, now, null, null));
    }

    private InFlightBatch batch(Map<TopicPartition, List<CompletableFuture<ExecutionResult>>> results) {
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = new HashMap<>();
        List<InFlightBatch.Entry> entries = new ArrayList<>();
        results.forEach((partition, list) -> {
            List<ConsumerRecord<byte[], byte[]>> own = new ArrayList<>();
            for (CompletableFuture<ExecutionResult> result : list) {
                DueEvent fire = fires.kafkaFire("taking", null, "{}");
                ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(partition.topic(), partition.partition(), own.size(),
                        fire.getScheduleId().getBytes(StandardCharsets.UTF_8), new byte[0]);
                own.add(record);
                entries.add(new InFlightBatch.Entry(record, fire, result, null));
            }
            records.put(partition, own);
        });
        return new InFlightBatch(new ConsumerRecords<>(records), partition -> (long) records.get(partition).size(), entries);
    }

    /** Records what the listener asks of the loop; its commits commit nothing. */
    private static final class LoopStandIn implements PartitionHandover.Loop {
        InFlightBatch inFlight;
        int commits;
        final List<Map<TopicPartition, Long>> rewound = new ArrayList<>();
        final List<TopicPartition> paused = new ArrayList<>();

        @Override
        public InFlightBatch inFlight() {
            return inFlight;
        }

        @Override
        public void clearInFlight() {
            inFlight = null;
        }

        @Override
        public boolean commitSettled(InFlightBatch batch) {
            commits++;
            return true;
        }

        @Override
        public void recover(RuntimeException cause) {
            throw new AssertionError("no failure expected", cause);
        }

        @Override
        public void rewind(Map<TopicPartition, Long> offsets) {
            rewound.add(offsets);
        }

        @Override
        public boolean isPastStopDeadline() {
            return false;
        }

        @Override
        public void replaceConsumer() {
            throw new AssertionError("no consumer to replace");
        }

        @Override
        public void pause(Collection<TopicPartition> partitions) {
            paused.addAll(partitions);
        }
    }
}
