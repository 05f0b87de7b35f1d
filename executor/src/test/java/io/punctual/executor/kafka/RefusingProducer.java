package io.punctual.executor.kafka;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A MockProducer whose one topic refuses every record, as a broker refuses one too large: the send's callback gets
 * the broker's answer and the transaction's commit then fails, as the real producer's does.
 */
final class RefusingProducer extends MockProducer<byte[], byte[]> {
    private final String refusingTopic;
    private boolean refusedInTransaction;

    RefusingProducer(String refusingTopic) {
        super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        this.refusingTopic = refusingTopic;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (!record.topic().equals(refusingTopic)) {
            return super.send(record, callback);
        }
        RecordTooLargeException refusal = new RecordTooLargeException("record too large for " + refusingTopic);
        refusedInTransaction = true;
        if (callback != null) {
            callback.onCompletion(null, refusal);
        }
        return CompletableFuture.failedFuture(refusal);
    }

    @Override
    public void commitTransaction() {
        if (refusedInTransaction) {
            throw new KafkaException("Cannot commit: a record of the transaction was refused");
        }
        super.commitTransaction();
    }

    @Override
    public void abortTransaction() {
        refusedInTransaction = false;
        super.abortTransaction();
    }
}
