package io.punctual.executor.kafka;

import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.delivery.FinishedFires;
import io.punctual.executor.metrics.ExecutorMeters;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.Outcome;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Turns the settled part of an in-flight batch into one transaction: a result per fire, dead letters, the records of
 * delivered Kafka-target fires, what the agent gate has waiting, and the batch's offsets. It exists so that what one
 * commit carries, and the two ways a commit ends without losing anything (a rebalance defers it; a user's topic
 * refusing its record fails that fire alone and the rest commits), read and test apart from the poll loop.
 * Used by the loop's thread only.
 */
final class BatchCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(BatchCommitter.class);

    private final TransactionalCommitter committer;
    private final ResultRecords results;
    private final FinishedFires finishedFires;
    /** The agent gate's side records (null: no gate). */
    private final GatedFires gated;
    /** FAILED results replacing delivered Kafka-target fires whose record a user's topic refused at commit (this batch). */
    private final Map<InFlightBatch.Entry, ExecutionResult> refusedAtCommit = new IdentityHashMap<>();

    BatchCommitter(TransactionalCommitter committer, ResultRecords results, FinishedFires finishedFires, GatedFires gated) {
        this.committer = committer;
        this.results = results;
        this.finishedFires = finishedFires;
        this.gated = gated;
    }

    /** A new batch was polled: refusals of the previous one no longer apply. */
    void newBatch() {
        refusedAtCommit.clear();
    }

    /** Commits what is settled; false when a rebalance refused the commit and nothing was lost (commit again). */
    boolean commitSettled(InFlightBatch batch, Supplier<ConsumerGroupMetadata> group) {
        InFlightBatch.Ready ready = batch.ready();
        if (ready.isEmpty()) {
            return true;
        }
        try {
            if (!commitReady(batch, ready, group)) {
                // A user's topic refused a Kafka-target record: those fires are failed now; the rest commits as it
                // was, without delivering any fire of the batch again.
                commitReady(batch, ready, group);
            }
            return true;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // Another member joined or left: the group's generation moved on before this member's next poll. The
            // settled fires stay settled in the batch (their results were aborted with the transaction, not lost)
            // and are committed under the new generation, rather than rewound and delivered a second time.
            committer.abort(e);
            LOG.info("Commit deferred by a rebalance ({}); committing again after rejoining the group", e.getMessage());
            return false;
        }
    }

    /**
     * Commits the ready entries in one transaction. False when the transaction was aborted because a user's topic
     * refused a Kafka-target record (deleted meanwhile, record too large, write denied): the refused fires then
     * have a {@code FAILED} result in {@link #refusedAtCommit}, and committing again succeeds without them.
     */
    private boolean commitReady(InFlightBatch batch, InFlightBatch.Ready ready, Supplier<ConsumerGroupMetadata> group) {
        long commitStarted = System.nanoTime();
        List<ExecutionResult> outcomes = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        Map<ProducerRecord<byte[], byte[]>, InFlightBatch.Entry> userRecords = new IdentityHashMap<>();
        GatedFires.Side side = gated == null ? GatedFires.Side.NONE : gated.side();
        List<ExecutionResult> ends = new ArrayList<>();
        if (gated != null) {
            gated.addSide(side, out, outcomes, ends);
        }
        for (InFlightBatch.Entry entry : ready.entries()) {
            if (entry.deadLetter() != null) {
                out.add(entry.deadLetter());
            }
            if (entry.result() == null) {
                continue;
            }
            ExecutionResult result = refusedAtCommit.getOrDefault(entry, entry.result().join());
            if (result == null) {
                // Dropped when its time came (its schedule deleted while it was held): no result, only the offset.
                continue;
            }
            outcomes.add(result);
            out.add(results.of(result));
            if (result.getOutcome() == Outcome.FAILED) {
                out.add(DeadLetters.ofFailure(entry.record(), result));
            } else if (result.getOutcome() == Outcome.DELIVERED && entry.fire().getTarget() instanceof KafkaTarget target) {
                // Produced in the same transaction as the result and the offset: the user's topic sees it exactly once.
                ProducerRecord<byte[], byte[]> record = UserTopicRecords.of(entry.fire(), target);
                out.add(record);
                userRecords.put(record, entry);
            }
        }
        Map<InFlightBatch.Entry, Exception> refused = committer.commit(out, userRecords, ready.offsets(), group);
        if (!refused.isEmpty()) {
            refused.forEach((entry, error) -> {
                ExecutionResult delivered = entry.result().join();
                String topic = ((KafkaTarget) entry.fire().getTarget()).getTopic();
                LOG.warn("Topic {} refused the record of fire {} ({}); failing that fire alone", topic, entry.fire().getFireId(), error.toString());
                refusedAtCommit.put(entry, ExecutionResults.failed(entry.fire(), delivered.getStartedAt(), Instant.now(), null,
                        "topic " + topic + " refused the record: " + error));
            });
            return false;
        }
        batch.committed(ready);
        if (gated != null) {
            gated.sideCommitted(side, ends);
            Map<TopicPartition, Long> committed = new HashMap<>();
            ready.offsets().forEach((partition, offset) -> committed.put(partition, offset.offset()));
            gated.committedUpTo(committed);
        }
        outcomes.forEach(finishedFires::record);
        ExecutorMeters.global().committed(outcomes, out);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Committed {} results and {} other records (dead letters, user topic records) {} ms after the poll, commit {} ms",
                    outcomes.size(), out.size() - outcomes.size(), batch.age().toMillis(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - commitStarted));
        }
        return true;
    }
}
