package io.punctual.executor.kafka;

import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.delivery.FinishedFires;
import io.punctual.executor.support.Fires;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** What one commit of a batch carries, on a MockProducer (results encoded with the shared embedded registry). */
class BatchCommitterTest {
    private static final TopicPartition P0 = new TopicPartition(Topics.DUE.name(), 0);

    private final Fires fires = new Fires(KeyMaterial.generate().apiKeyCipher());
    private final ResultRecords results = new ResultRecords(new TopicSerdes(KafkaFixture.shared().schemaRegistryUrl()));

    @Test
    void aRefusedUserTopicRecordFailsItsFireAloneAndTheRestCommits() {
        RefusingProducer producer = new RefusingProducer("refusing");
        BatchCommitter commits = commits(producer);
        DueEvent refused = fires.kafkaFire("refusing", null, "{}");
        DueEvent taken = fires.kafkaFire("taking", null, "{}");
        InFlightBatch batch = deliveredBatch(refused, taken);

        assertThat(commits.commitSettled(batch, () -> new ConsumerGroupMetadata("group"))).isTrue();

        assertThat(batch.isFullyCommitted()).isTrue();
        assertThat(producer.commitCount()).isEqualTo(1);
        Map<String, Outcome> outcomes = new HashMap<>();
        List<String> userTopics = new ArrayList<>();
        List<String> deadLetters = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : producer.history()) {
            if (record.topic().equals(Topics.RESULTS.name())) {
                ExecutionResult result = results.decode(record.value());
                outcomes.put(result.getFireId(), result.getOutcome());
            } else if (record.topic().equals(Topics.DLQ.name())) {
                deadLetters.add(record.topic());
            } else {
                userTopics.add(record.topic());
            }
        }
        assertThat(outcomes).containsEntry(refused.getFireId(), Outcome.FAILED).containsEntry(taken.getFireId(), Outcome.DELIVERED);
        assertThat(userTopics).containsExactly("taking");
        assertThat(deadLetters).as("the failed fire is dead-lettered with its reason").hasSize(1);
        assertThat(producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("group", Map.of(P0, new OffsetAndMetadata(2))));
    }

    @Test
    void aCommitRefusedByARebalanceIsAbortedAndTheSettledFiresCommitLater() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        BatchCommitter commits = commits(producer);
        InFlightBatch batch = deliveredBatch(fires.kafkaFire("taking", null, "{}"));
        producer.sendOffsetsToTransactionException = new CommitFailedException();

        assertThat(commits.commitSettled(batch, () -> new ConsumerGroupMetadata("group"))).as("deferred").isFalse();
        assertThat(producer.transactionAborted()).isTrue();
        assertThat(batch.isFullyCommitted()).as("still settled, not lost").isFalse();

        producer.sendOffsetsToTransactionException = null;
        assertThat(commits.commitSettled(batch, () -> new ConsumerGroupMetadata("group"))).isTrue();
        assertThat(batch.isFullyCommitted()).isTrue();
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactlyInAnyOrder(Topics.RESULTS.name(), "taking");
    }

    private BatchCommitter commits(MockProducer<byte[], byte[]> producer) {
        TransactionalCommitter committer = new TransactionalCommitter(() -> producer, UserTopicCheck.NONE);
        committer.ensureProducer();
        return new BatchCommitter(committer, results, new FinishedFires(100), null);
    }

    /** A batch of these fires on one partition, each delivered already. */
    private static InFlightBatch deliveredBatch(DueEvent... fires) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<InFlightBatch.Entry> entries = new ArrayList<>();
        for (DueEvent fire : fires) {
            ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(P0.topic(), P0.partition(), records.size(),
                    fire.getScheduleId().getBytes(StandardCharsets.UTF_8), new byte[0]);
            records.add(record);
            Instant now = Instant.now();
            entries.add(new InFlightBatch.Entry(record, fire, CompletableFuture.completedFuture(ExecutionResults.delivered(fire, now, now, null, null)), null));
        }
        return new InFlightBatch(new ConsumerRecords<>(Map.of(P0, records)), partition -> (long) records.size(), entries);
    }
}
