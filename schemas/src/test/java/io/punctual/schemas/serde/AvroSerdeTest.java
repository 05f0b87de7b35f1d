package io.punctual.schemas.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.punctual.schemas.CreateSchedule;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The serde against a real Confluent-compatible registry over HTTP. */
class AvroSerdeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaFixture kafka = KafkaFixture.shared();

    @Test
    void writesTheConfluentWireFormatWithTheRegisteredId() throws Exception {
        TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
        String topic = kafka.uniqueName("serde-commands");
        ScheduleCommand command = command();

        byte[] bytes = serdes.valueSerde(Topics.COMMANDS).serializer().serialize(topic, command);

        var latest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(kafka.schemaRegistryUrl() + "/subjects/" + topic + "-value/versions/latest")).build(), HttpResponse.BodyHandlers.ofString());
        int registeredId = JSON.readTree(latest.body()).get("id").asInt();
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registeredId);
        // A second serde instance (another process) reads it, fetching the writer schema by id.
        ScheduleCommand read = new TopicSerdes(kafka.schemaRegistryUrl()).valueSerde(Topics.COMMANDS).deserializer().deserialize(topic, bytes);
        assertThat(read).isEqualTo(command);
    }

    @Test
    void aThreadWritesRecordsOfAnySizeOneAfterAnotherWithNothingLeftOverFromTheLast() throws Exception {
        TopicSerdes serdes = new TopicSerdes(kafka.schemaRegistryUrl());
        var serde = serdes.valueSerde(Topics.COMMANDS);
        String topic = kafka.uniqueName("serde-sizes");
        ScheduleCommand small = command();
        ScheduleCommand large = command("x".repeat(200_000)); // beyond what a thread's buffer keeps
        byte[] smallAlone = serde.serializer().serialize(topic, small);

        for (ScheduleCommand value : List.of(large, small, large, large, small)) {
            byte[] bytes = serde.serializer().serialize(topic, value);
            assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(value);
            if (value == small) {
                assertThat(bytes).isEqualTo(smallAlone);
            }
        }
    }

    @Test
    void readsRecordsWrittenWithAnOlderCompatibleSchema() throws Exception {
        // What an older producer wrote: a cron cadence without the time zone field, which has a default now.
        String topic = kafka.uniqueName("serde-evolution");
        Schema older = SchemaBuilder.record("CronCadence").namespace("io.punctual.schemas").fields()
                .requiredString("expression").endRecord();
        SchemaRegistryClient registry = new SchemaRegistryClient(kafka.schemaRegistryUrl());
        int id = registry.register(topic + "-value", older);
        GenericRecord old = new GenericData.Record(older);
        old.put("expression", "0 9 * * 1-5");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(older).write(old, encoder);
        encoder.flush();

        CronCadence read = new AvroSerde<>(CronCadence.class, registry).deserialize(topic, out.toByteArray());

        assertThat(read.getExpression()).isEqualTo("0 9 * * 1-5");
        assertThat(read.getTimezone()).isEqualTo("UTC");
    }

    @Test
    void refusesBytesThatAreNotInTheWireFormat() {
        AvroSerde<ScheduleCommand> serde = new AvroSerde<>(ScheduleCommand.class, new SchemaRegistryClient(kafka.schemaRegistryUrl()));
        assertThatThrownBy(() -> serde.deserialize("t", new byte[]{1, 2, 3})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("wire format");
        assertThatThrownBy(() -> serde.deserialize("t", new byte[]{0, 0, 0, 0x7f, 0x7f, 1})).isInstanceOf(SerializationException.class);
    }

    private static ScheduleCommand command() {
        return command("hello");
    }

    private static ScheduleCommand command(String content) {
        LettaTarget target = LettaTarget.newBuilder().setAgentId("agent-1")
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent(content).build()))
                .setApiKeyCiphertext(ByteBuffer.wrap(new byte[]{1, 2, 3})).build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant("t_1").setTarget(target)
                .setCadence(CronCadence.newBuilder().setExpression("*/5 * * * *").setTimezone("Europe/Berlin").build())
                .setLabels(Map.of("team", "ops")).build();
        return ScheduleCommand.newBuilder().setCommandId("c-1").setScheduleId("sch_1").setTenant("t_1")
                .setIssuedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setAction(CreateSchedule.newBuilder().setSpec(spec).build()).build();
    }
}
