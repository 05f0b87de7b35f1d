package io.punctual.executor.kafka;

import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/** Dead letters carry the original key, value and headers untouched, so a fixed record can be replayed as it was. */
public final class DeadLetters {
    private DeadLetters() {
    }

    static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> original, String reason) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original.headers()) {
            headers.add(header);
        }
        headers.add(Topics.HEADER_DLQ_REASON, utf8(reason));
        headers.add(Topics.HEADER_DLQ_SOURCE_TOPIC, utf8(original.topic()));
        headers.add(Topics.HEADER_DLQ_SOURCE_PARTITION, utf8(Integer.toString(original.partition())));
        headers.add(Topics.HEADER_DLQ_SOURCE_OFFSET, utf8(Long.toString(original.offset())));
        return new ProducerRecord<>(Topics.DLQ.name(), null, original.key(), original.value(), headers);
    }

    /** Header names of a fire that failed for good, besides the reason: what a person needs to look into it. */
    public static final String HEADER_FIRE_ID = "punctual.dlq.fire.id";
    public static final String HEADER_SCHEDULE_ID = "punctual.dlq.schedule.id";
    public static final String HEADER_ATTEMPTS = "punctual.dlq.attempts";
    public static final String HEADER_HTTP_STATUS = "punctual.dlq.http.status";
    static final String HEADER_TARGET_TYPE = "punctual.dlq.target.type";

    /**
     * A fire that failed for good: the original due record (so it can be replayed as it was) with the failure
     * in headers; the reason is the result's detail, which holds the last status and an excerpt of the body.
     */
    static ProducerRecord<byte[], byte[]> ofFailure(ConsumerRecord<byte[], byte[]> original, ExecutionResult result) {
        ProducerRecord<byte[], byte[]> record = of(original, result.getDetail() == null ? "failed" : result.getDetail());
        record.headers().add(HEADER_FIRE_ID, utf8(result.getFireId()));
        record.headers().add(HEADER_SCHEDULE_ID, utf8(result.getScheduleId()));
        record.headers().add(HEADER_ATTEMPTS, utf8(Integer.toString(result.getAttempt())));
        record.headers().add(HEADER_TARGET_TYPE, utf8(result.getTargetType()));
        if (result.getHttpStatus() != null) {
            record.headers().add(HEADER_HTTP_STATUS, utf8(Integer.toString(result.getHttpStatus())));
        }
        return record;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
