package io.punctual.planner.metrics;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.InMemorySchemaRegistry;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleStatusesTest {
    private static final Instant AT = Instant.parse("2026-11-30T09:00:00Z");
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final TopicSerdes serdes = new TopicSerdes(registry);
    private final ScheduleStatuses statuses = new ScheduleStatuses(registry);

    @Test
    void readsTheStatusOfEveryStoredStateAsTheWholeDecodeDoes() {
        for (ScheduleStatus status : ScheduleStatus.values()) {
            byte[] stored = serdes.valueSerde(Topics.SCHEDULES).serializer().serialize(Topics.SCHEDULES.name(), state(status));

            assertThat(statuses.of(stored)).isEqualTo(status)
                    .isEqualTo(serdes.valueSerde(Topics.SCHEDULES).deserializer().deserialize(Topics.SCHEDULES.name(), stored).getStatus());
        }
    }

    @Test
    void readsAStateWrittenWithAnotherVersionOfTheSchema() throws Exception {
        // A later writer: a field added at the end, which this reader has never heard of.
        Schema current = ScheduleState.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        current.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(new Schema.Field("added_later", Schema.create(Schema.Type.STRING), null, "x"));
        Schema later = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
        int id = registry.register(Topics.SCHEDULES.valueSubject(), later);

        GenericData.Record record = new GenericData.Record(later);
        ScheduleState state = state(ScheduleStatus.PAUSED);
        current.getFields().forEach(f -> record.put(f.name(), state.get(f.pos())));
        record.put("added_later", "something new");

        assertThat(statuses.of(confluent(id, later, record))).isEqualTo(ScheduleStatus.PAUSED);
    }

    private static byte[] confluent(int id, Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        // Specific data with Avro's timestamp conversion: the record's nested values are the generated classes' own.
        SpecificData model = new SpecificData();
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        new GenericDatumWriter<GenericRecord>(schema, model).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static ScheduleState state(ScheduleStatus status) {
        return state("s-1", status);
    }

    /** A weekday Letta schedule's state, as stored; for the census tests too. */
    static ScheduleState state(String id, ScheduleStatus status) {
        LettaTarget target = LettaTarget.newBuilder().setAgentId("agent-1")
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("Time for the stand-up").build()))
                .setMode(DeliveryMode.ASYNC)
                .setApiKeyCiphertext(ByteBuffer.wrap("ciphertext".getBytes(StandardCharsets.UTF_8)))
                .build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant("t_1").setTarget(target)
                .setCadence(new CronCadence("0 9 * * 1-5", "Europe/Berlin")).setLabels(Map.of("team", "ops")).build();
        return ScheduleState.newBuilder().setScheduleId(id).setSpec(spec).setStatus(status).setVersion(3)
                .setCreatedAt(AT).setUpdatedAt(AT).setNextFireAt(AT.plusSeconds(86_400)).setFireCount(7)
                .setLastOutcome("delivered").build();
    }
}
