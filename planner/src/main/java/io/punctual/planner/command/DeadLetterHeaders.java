package io.punctual.planner.command;

import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/** The headers of a dead letter: the record's own headers, plus why it was set aside and where it came from. */
public final class DeadLetterHeaders {
    private DeadLetterHeaders() {
    }

    /** All values are UTF-8 text, partition and offset in decimal; -1 when the source is not known. */
    public static Headers of(Headers original, String reason, String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders(original == null ? new Header[0] : original.toArray());
        headers.add(Topics.HEADER_DLQ_REASON, utf8(reason));
        headers.add(Topics.HEADER_DLQ_SOURCE_TOPIC, utf8(topic));
        headers.add(Topics.HEADER_DLQ_SOURCE_PARTITION, utf8(Integer.toString(partition)));
        headers.add(Topics.HEADER_DLQ_SOURCE_OFFSET, utf8(Long.toString(offset)));
        return headers;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
