package io.punctual.executor.kafka;

import io.punctual.schemas.KafkaTarget;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The delivery loop's transactional producer and its transactions. It exists so that what makes exactly-once hold
 * on the producer side (one transaction per commit, abort on failure, a new producer when the old one can no longer
 * be trusted, and a user's topic refusing a Kafka-target record failing that record alone) reads and tests apart
 * from polling and rebalances. Used by the loop's thread only.
 */
final class TransactionalCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalCommitter.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final UserTopicCheck userTopics;
    private Producer<byte[], byte[]> producer;
    private boolean transactionOpen;

    /**
     * @param producers  a new transactional producer, not yet initialised (called again after one was given up)
     * @param userTopics asks again whether a Kafka target's topic takes its record, after a commit failed with none refused
     */
    TransactionalCommitter(Supplier<Producer<byte[], byte[]>> producers, UserTopicCheck userTopics) {
        this.producers = producers;
        this.userTopics = userTopics;
    }

    /** Creates and initialises a producer unless one is ready. */
    void ensureProducer() {
        if (producer == null) {
            Producer<byte[], byte[]> p = producers.get();
            try {
                p.initTransactions();
            } catch (RuntimeException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producer = p;
        }
    }

    /** True when a producer is ready and no transaction is open: a commit may start now. */
    boolean isIdle() {
        return producer != null && !transactionOpen;
    }

    boolean hasProducer() {
        return producer != null;
    }

    /** Writes the records in one transaction without offsets; aborts it and rethrows when that fails. */
    void commit(List<ProducerRecord<byte[], byte[]>> out) {
        try {
            producer.beginTransaction();
            transactionOpen = true;
            out.forEach(producer::send);
            producer.commitTransaction();
            transactionOpen = false;
        } catch (KafkaException e) {
            abort(e);
            throw e;
        }
    }

    /**
     * Writes the records and the consumer's offsets in one transaction. Empty when it committed. When it failed and
     * some of {@code userRecords} (records for users' topics, with the batch entry each belongs to) were refused by
     * their topic, the transaction is aborted and the refused entries are returned with why: committing again
     * without them can succeed. Any other failure is thrown, the transaction left for {@link #abort} to end.
     */
    Map<InFlightBatch.Entry, Exception> commit(List<ProducerRecord<byte[], byte[]>> out,
                                               Map<ProducerRecord<byte[], byte[]>, InFlightBatch.Entry> userRecords,
                                               Map<TopicPartition, OffsetAndMetadata> offsets, Supplier<ConsumerGroupMetadata> group) {
        Map<InFlightBatch.Entry, Exception> refused = new ConcurrentHashMap<>();
        try {
            producer.beginTransaction();
            transactionOpen = true;
            for (ProducerRecord<byte[], byte[]> record : out) {
                InFlightBatch.Entry userEntry = userRecords.get(record);
                producer.send(record, userEntry == null ? null : (metadata, error) -> {
                    // A record aborted with the transaction is collateral; the cause is the record that failed. Only
                    // a broker's definite answer refuses a record: a timeout or a producer closed meanwhile proves nothing.
                    if (error instanceof ApiException && !(error instanceof TransactionAbortedException) && !(error instanceof RetriableException)) {
                        refused.put(userEntry, error);
                    }
                });
            }
            producer.sendOffsetsToTransaction(offsets, group.get());
            producer.commitTransaction();
            transactionOpen = false;
            return Map.of();
        } catch (KafkaException e) {
            if (userRecords.isEmpty()) {
                throw e;
            }
            // Aborting also completes every send of the transaction, so each refused record's callback has run.
            abort(e);
            if (refused.isEmpty()) {
                // No record was refused outright: a topic deleted since its look-up never answers, the commit only
                // timed out waiting for it. Ask again now; a batch with nothing refused is retried as before.
                Instant since = Instant.now();
                userRecords.values().forEach(entry -> userTopics.refusalNow(entry.fire(), (KafkaTarget) entry.fire().getTarget(), since)
                        .ifPresent(reason -> refused.put(entry, new KafkaException(reason))));
                if (refused.isEmpty()) {
                    throw e;
                }
                // The producer still waits for the vanished topic; a new one fences and aborts what it left open.
                close();
            }
            ensureProducer();
            return refused;
        }
    }

    /** Ends what a failure left open: aborts the transaction, or replaces the producer when it cannot be trusted. */
    void abort(RuntimeException cause) {
        if (producer == null) {
            return;
        }
        if (isFatalForProducer(cause)) {
            LOG.warn("Transactional producer unusable ({}); creating a new one", cause.toString());
            close();
            return;
        }
        if (transactionOpen) {
            try {
                producer.abortTransaction();
                transactionOpen = false;
            } catch (KafkaException | IllegalStateException e) {
                // IllegalStateException: a commit that timed out must be retried before anything else; start over.
                LOG.warn("Could not abort the transaction ({}); creating a new producer", e.toString());
                close();
            }
        }
    }

    static boolean isFatalForProducer(Throwable e) {
        // A topic's write denial only aborts the transaction; a denied transactional id or cluster action is fatal.
        return e instanceof ProducerFencedException || e instanceof OutOfOrderSequenceException
                || (e instanceof AuthorizationException && !(e instanceof TopicAuthorizationException)) || e instanceof UnsupportedVersionException
                || e instanceof IllegalStateException;
    }

    /** Closes the producer (what it left open is aborted by the next one's initialisation); the next commit makes a new one. */
    void close() {
        Producer<byte[], byte[]> p = producer;
        producer = null;
        transactionOpen = false;
        if (p != null) {
            try {
                p.close(CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.debug("Closing the producer failed", e);
            }
        }
    }
}
