package io.punctual.executor.kafka;

import io.punctual.executor.delivery.FinishedFires;
import io.punctual.executor.delivery.FireDispatcher;
import io.punctual.schemas.DueEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns a polled batch of due records into an in-flight batch: each fire is delivered, made to wait for its agent,
 * or skipped (its result committed already, a repeat within the batch, or its schedule deleted), and each record
 * that cannot be read becomes a dead letter. It exists so that what decides whether a polled fire is delivered
 * reads and tests apart from polling and committing. Used by the loop's thread only.
 */
final class BatchIntake {
    private static final Logger LOG = LoggerFactory.getLogger(BatchIntake.class);

    private final DueRecordDecoder decoder;
    private final FireDispatcher dispatcher;
    private final FinishedFires finishedFires;
    private final DeletedSchedules deleted;
    /** The agent gate's side (null: fires go as soon as the previous request to their agent returned). */
    private final GatedFires gated;

    /**
     * @param deleted schedules deleted lately, whose fires emitted before are not delivered (null: none known)
     * @param gated   one run per agent (null: no gate)
     */
    BatchIntake(DueRecordDecoder decoder, FireDispatcher dispatcher, FinishedFires finishedFires, DeletedSchedules deleted, GatedFires gated) {
        this.decoder = decoder;
        this.dispatcher = dispatcher;
        this.finishedFires = finishedFires;
        this.deleted = deleted;
        this.gated = gated;
    }

    /**
     * Starts the batch's deliveries. When a record cannot be decoded at all (the registry unreachable, say), nothing
     * is delivered: the records are handed to {@code rewind} to be read again, and the error is thrown.
     *
     * @param positions the consumer's position of each partition right after the poll
     */
    InFlightBatch start(ConsumerRecords<byte[], byte[]> records, Function<TopicPartition, Long> positions,
                        Consumer<Map<TopicPartition, Long>> rewind) {
        List<InFlightBatch.Entry> entries = new ArrayList<>(records.count());
        List<DecodedRecord> decoded = new ArrayList<>(records.count());
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                decoded.add(decoder.decode(record));
            }
        } catch (RuntimeException e) {
            // Nothing was delivered yet: read the whole batch again after the pause.
            rewind.accept(InFlightBatch.firstOffsets(records));
            throw e;
        }
        Set<String> inBatch = new HashSet<>();
        for (DecodedRecord record : decoded) {
            if (record instanceof DecodedRecord.Fire fire) {
                DueEvent event = fire.event();
                if (finishedFires.isFinished(event) || !inBatch.add(event.getFireId() + "#" + event.getAttempt())) {
                    // Its outcome is committed already (or is about to be, in this batch): no second delivery, no second result.
                    LOG.info("Fire {} attempt {} seen again after its result; not delivered again", event.getFireId(), event.getAttempt());
                    entries.add(new InFlightBatch.Entry(record.record(), event, null, null));
                } else if (isDeleted(deleted, event)) {
                    entries.add(new InFlightBatch.Entry(record.record(), event, null, null));
                } else {
                    entries.add(new InFlightBatch.Entry(record.record(), event, gated == null ? dispatcher.deliver(event) : gated.admitAndDeliver(event, record.record().partition(), record.record().offset()), null));
                }
            } else if (record instanceof DecodedRecord.Poison poison) {
                ConsumerRecord<byte[], byte[]> r = poison.record();
                LOG.warn("Dead-lettering {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), poison.reason());
                entries.add(new InFlightBatch.Entry(r, null, null, DeadLetters.of(r, poison.reason())));
            }
        }
        return new InFlightBatch(records, positions, entries);
    }

    /** A fire emitted before its schedule was deleted (null: none known): not delivered, no result (the planner forgot the schedule). */
    static boolean isDeleted(DeletedSchedules deleted, DueEvent fire) {
        if (deleted == null || !deleted.isDeleted(fire)) {
            return false;
        }
        LOG.info("Fire {} not delivered: schedule {} was deleted after it was emitted", fire.getFireId(), fire.getScheduleId());
        return true;
    }
}
