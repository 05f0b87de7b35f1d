package io.punctual.executor.kafka;

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

    public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> original, String reason) {
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

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
