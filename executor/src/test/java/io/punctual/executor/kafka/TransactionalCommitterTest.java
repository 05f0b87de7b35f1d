package io.punctual.executor.kafka;

import io.punctual.executor.support.Fires;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transactional producer alone, on MockProducers: aborts, producers replaced, user-topic records refused. */
class TransactionalCommitterTest {
    private static final TopicPartition P0 = new TopicPartition(Topics.DUE.name(), 0);
    private static final ConsumerGroupMetadata GROUP = new ConsumerGroupMetadata("group");

    private final Fires fires = new Fires(KeyMaterial.generate().apiKeyCipher());
    private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();

    @Test
    void aFailedCommitIsAbortedAndTheSameProducerCommitsNext() {
        TransactionalCommitter committer = committer(UserTopicCheck.NONE);
        MockProducer<byte[], byte[]> producer = producers.get(0);
        producer.commitTransactionException = new KafkaException("broker unreachable");

        assertThatThrownBy(() -> committer.commit(List.of(record("punctual.results")), Map.of(), offsets(1), () -> GROUP))
                .isInstanceOf(KafkaException.class);
        assertThat(committer.isIdle()).as("left open for the loop's recovery to abort").isFalse();
        committer.abort(new KafkaException("broker unreachable"));

        assertThat(producer.transactionAborted()).isTrue();
        assertThat(committer.isIdle()).isTrue();
        producer.commitTransactionException = null;
        assertThat(committer.commit(List.of(record("punctual.results")), Map.of(), offsets(1), () -> GROUP)).isEmpty();
        assertThat(producers).as("no new producer for an abortable error").hasSize(1);
        assertThat(producer.history()).hasSize(1);
        assertThat(producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("group", offsets(1)));
    }

    @Test
    void aFailedCommitWithoutOffsetsIsAbortedAndThrown() {
        TransactionalCommitter committer = committer(UserTopicCheck.NONE);
        producers.get(0).commitTransactionException = new KafkaException("broker unreachable");

        assertThatThrownBy(() -> committer.commit(List.of(record("punctual.results")))).isInstanceOf(KafkaException.class);
        assertThat(producers.get(0).transactionAborted()).isTrue();
        assertThat(committer.isIdle()).isTrue();
    }

    @Test
    void aFatalProducerErrorReplacesTheProducer() {
        TransactionalCommitter committer = committer(UserTopicCheck.NONE);
        committer.abort(new ProducerFencedException("another instance took the transactional id"));

        assertThat(producers.get(0).closed()).isTrue();
        assertThat(committer.hasProducer()).isFalse();
        committer.ensureProducer();
        assertThat(producers).hasSize(2);
        assertThat(producers.get(1).transactionInitialized()).isTrue();
        assertThat(committer.isIdle()).isTrue();
    }

    @Test
    void aTransactionThatCannotBeAbortedReplacesTheProducer() {
        TransactionalCommitter committer = committer(UserTopicCheck.NONE);
        producers.get(0).commitTransactionException = new KafkaException("broker unreachable");
        assertThatThrownBy(() -> committer.commit(List.of(record("punctual.results")), Map.of(), offsets(1), () -> GROUP))
                .isInstanceOf(KafkaException.class);
        producers.get(0).abortTransactionException = new KafkaException("still unreachable");

        committer.abort(new KafkaException("broker unreachable"));

        assertThat(producers.get(0).closed()).isTrue();
        assertThat(committer.hasProducer()).isFalse();
    }

    @Test
    void onlyErrorsThatBreakTheProducerAreFatal() {
        assertThat(TransactionalCommitter.isFatalForProducer(new ProducerFencedException("fenced"))).isTrue();
        assertThat(TransactionalCommitter.isFatalForProducer(new TransactionalIdAuthorizationException("denied"))).isTrue();
        assertThat(TransactionalCommitter.isFatalForProducer(new ClusterAuthorizationException("denied"))).isTrue();
        assertThat(TransactionalCommitter.isFatalForProducer(new IllegalStateException("commit to retry"))).isTrue();
        assertThat(TransactionalCommitter.isFatalForProducer(new TopicAuthorizationException("one topic denied"))).isFalse();
        assertThat(TransactionalCommitter.isFatalForProducer(new KafkaException("abortable"))).isFalse();
    }

    @Test
    void aRefusedUserTopicRecordIsReturnedAndTheOthersAreNot() {
        TransactionalCommitter committer = new TransactionalCommitter(() -> track(new RefusingProducer("refusing")), UserTopicCheck.NONE);
        committer.ensureProducer();
        InFlightBatch.Entry refused = entry(fires.kafkaFire("refusing", null, "{}"), 0);
        InFlightBatch.Entry taken = entry(fires.kafkaFire("taking", null, "{}"), 1);
        Map<ProducerRecord<byte[], byte[]>, InFlightBatch.Entry> userRecords = userRecords(refused, taken);

        Map<InFlightBatch.Entry, Exception> answer = committer.commit(new ArrayList<>(userRecords.keySet()), userRecords, offsets(2), () -> GROUP);

        assertThat(answer).containsOnlyKeys(refused);
        assertThat(producers.get(0).transactionAborted()).isTrue();
        assertThat(producers.get(0).history()).isEmpty();
        assertThat(producers).as("the producer stays: the broker answered").hasSize(1);
        assertThat(committer.isIdle()).isTrue();
    }

    @Test
    void aTopicThatNeverAnswersIsAskedAboutAgainAndItsProducerReplaced() {
        DueEvent vanished = fires.kafkaFire("vanished", null, "{}");
        UserTopicCheck check = (fire, target, since) -> fire == vanished ? Optional.of("topic vanished does not exist") : Optional.empty();
        TransactionalCommitter committer = committer(check);
        producers.get(0).commitTransactionException = new TimeoutException("waited for metadata of vanished");
        InFlightBatch.Entry gone = entry(vanished, 0);
        InFlightBatch.Entry taken = entry(fires.kafkaFire("taking", null, "{}"), 1);
        Map<ProducerRecord<byte[], byte[]>, InFlightBatch.Entry> userRecords = userRecords(gone, taken);

        Map<InFlightBatch.Entry, Exception> answer = committer.commit(new ArrayList<>(userRecords.keySet()), userRecords, offsets(2), () -> GROUP);

        assertThat(answer).containsOnlyKeys(gone);
        assertThat(answer.get(gone)).hasMessageContaining("does not exist");
        assertThat(producers.get(0).closed()).as("it still waits for the vanished topic").isTrue();
        assertThat(producers).hasSize(2);
        assertThat(committer.isIdle()).isTrue();
    }

    @Test
    void aFailureWithNoRecordRefusedIsThrown() {
        TransactionalCommitter committer = committer(UserTopicCheck.NONE);
        producers.get(0).commitTransactionException = new TimeoutException("slow broker");
        InFlightBatch.Entry taken = entry(fires.kafkaFire("taking", null, "{}"), 0);
        Map<ProducerRecord<byte[], byte[]>, InFlightBatch.Entry> userRecords = userRecords(taken);

        assertThatThrownBy(() -> committer.commit(new ArrayList<>(userRecords.keySet()), userRecords, offsets(1), () -> GROUP))
                .isInstanceOf(TimeoutException.class);
        assertThat(producers.get(0).transactionAborted()).isTrue();
        assertThat(producers).hasSize(1);
    }

    private TransactionalCommitter committer(UserTopicCheck check) {
        TransactionalCommitter committer = new TransactionalCommitter(() -> track(new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer())), check);
        committer.ensureProducer();
        return committer;
    }

    private MockProducer<byte[], byte[]> track(MockProducer<byte[], byte[]> producer) {
        producers.add(producer);
        return producer;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(long next) {
        return Map.of(P0, new OffsetAndMetadata(next));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic) {
        return new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
    }

    private static InFlightBatch.Entry entry(DueEvent fire, long offset) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(P0.topic(), P0.partition(), offset, new byte[0], new byte[0]);
        return new InFlightBatch.Entry(record, fire, new CompletableFuture<>(), null);
    }

    private static Map<ProducerRecord<byte[], byte[]>, InFlightBatch.Entry> userRecords(InFlightBatch.Entry... entries) {
        Map<ProducerRecord<byte[], byte[]>, InFlightBatch.Entry> out = new IdentityHashMap<>();
        for (InFlightBatch.Entry entry : entries) {
            out.put(UserTopicRecords.of(entry.fire(), (KafkaTarget) entry.fire().getTarget()), entry);
        }
        return out;
    }
}
