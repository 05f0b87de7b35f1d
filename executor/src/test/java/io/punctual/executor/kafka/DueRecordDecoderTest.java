package io.punctual.executor.kafka;

import io.punctual.schemas.DueEvent;
import io.punctual.schemas.serde.AvroSerde;
import io.punctual.schemas.serde.SchemaRegistryClient;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DueRecordDecoderTest {
    // Nothing listens there: any registry call fails without an answer.
    private final DueRecordDecoder decoder = new DueRecordDecoder(
            new AvroSerde<>(DueEvent.class, new SchemaRegistryClient("http://127.0.0.1:1")).deserializer());

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>(Topics.DUE.name(), 0, 42L, "agent-1".getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void bytesThatAreNotAvroArePoison() {
        DecodedRecord decoded = decoder.decode(record("hello".getBytes(StandardCharsets.UTF_8)));

        assertThat(decoded).isInstanceOfSatisfying(DecodedRecord.Poison.class,
                poison -> assertThat(poison.reason()).startsWith("not a DueEvent"));
    }

    @Test
    void aTombstoneIsPoison() {
        assertThat(decoder.decode(record(null))).isInstanceOf(DecodedRecord.Poison.class);
    }

    @Test
    void anUnreachableRegistryIsNoReasonToDeadLetter() {
        byte[] wireFormat = {0, 0, 0, 0, 7, 2, 'x'};

        assertThatThrownBy(() -> decoder.decode(record(wireFormat)))
                .isInstanceOf(DueRecordDecoder.RegistryUnavailableException.class);
    }
}
