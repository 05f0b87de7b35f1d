package io.punctual.gateway.view;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.WebhookTarget;
import io.punctual.schemas.serde.InMemorySchemaRegistry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The projected decode gives what decoding the whole state gives, for every target, cadence, status and label set. */
class ScheduleHeadsTest {
    private final ScheduleHeads heads = new ScheduleHeads(ViewFixtures.REGISTRY);

    @Property(tries = 300)
    void theHeadOfTheBytesIsTheHeadOfTheState(@ForAll("states") ScheduleState state) {
        assertThat(heads.read(ViewFixtures.stateBytes(state))).isEqualTo(ScheduleHead.of(state));
    }

    @Test
    void aStateWrittenWithAnOlderSchemaIsResolved() throws IOException {
        // The writer's schema lacks a field the reader's has (as before a field was added): resolution skips by the
        // writer's schema, so the bytes after it still land in the right fields.
        Schema full = ScheduleState.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : full.getFields()) {
            if (!f.name().equals("paused_note")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema older = Schema.createRecord(full.getName(), full.getDoc(), full.getNamespace(), false, fields);
        ScheduleState state = ViewFixtures.schedule("sch_1", "t1", "agent-9", true, ScheduleStatus.PAUSED, 7, Map.of("team", "a"));
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        int olderId = registry.register("punctual.schedules-value", older);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{0, (byte) (olderId >>> 24), (byte) (olderId >>> 16), (byte) (olderId >>> 8), (byte) olderId});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(older).write(asOlder(state, older), encoder);
        encoder.flush();

        assertThat(new ScheduleHeads(registry).read(out.toByteArray())).isEqualTo(ScheduleHead.of(state));
    }

    @Test
    void bytesNotInTheWireFormatAreRefused() {
        assertThatThrownBy(() -> heads.read(new byte[]{1, 2})).isInstanceOf(SerializationException.class);
        byte[] truncated = ViewFixtures.stateBytes(ViewFixtures.schedule("sch_1", "t1", "a", false, ScheduleStatus.ACTIVE, 1, Map.of()));
        assertThatThrownBy(() -> heads.read(Arrays.copyOf(truncated, 12))).isInstanceOf(SerializationException.class);
    }

    /** The state as a record of the older schema: written with its own, read back through resolution to the older one. */
    private static GenericRecord asOlder(ScheduleState state, Schema older) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<ScheduleState>(ScheduleState.getClassSchema()).write(state, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(ScheduleState.getClassSchema(), older)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    @Provide
    Arbitrary<ScheduleState> states() {
        Arbitrary<Object> targets = Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(agent -> (Object) LettaTarget.newBuilder().setAgentId(agent)
                        .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("hello " + agent).build()))
                        .setApiKeyCiphertext(ByteBuffer.wrap(new byte[]{1, 2, 3})).build()),
                Arbitraries.just(WebhookTarget.newBuilder().setUrl("https://h").setBodyJson("{}").setHeaders(Map.of("X-A", "v")).build()),
                Arbitraries.just(KafkaTarget.newBuilder().setTopic("t").setValueJson("[]").setKey("k").build()));
        Arbitrary<Object> cadences = Arbitraries.oneOf(
                Arbitraries.just(OnceCadence.newBuilder().setAt(Instant.parse("2030-01-01T09:00:00Z")).build()),
                Arbitraries.just(CronCadence.newBuilder().setExpression("0 9 * * 1-5").setTimezone("Europe/Berlin").build()),
                Arbitraries.longs().between(1_000, 86_400_000).map(every -> IntervalCadence.newBuilder().setEveryMs(every).build()));
        Arbitrary<Map<String, String>> labels = Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                Arbitraries.strings().ofMaxLength(12)).ofMaxSize(4);
        Arbitrary<String> tenants = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10);
        Arbitrary<ScheduleSpec> specs = Combinators.combine(tenants, targets, cadences, labels).as((tenant, target, cadence, l) ->
                ScheduleSpec.newBuilder().setTenant(tenant).setTarget(target).setCadence(cadence).setLabels(Map.copyOf(l)).build());
        return Combinators.combine(specs, Arbitraries.of(ScheduleStatus.class), Arbitraries.longs().between(1, Long.MAX_VALUE),
                Arbitraries.longs().between(0, 4_102_444_800_000L), Arbitraries.longs().between(0, 1_000)).as((spec, status, version, updated, fires) ->
                ScheduleState.newBuilder().setScheduleId("sch_" + version).setSpec(spec).setStatus(status).setVersion(version)
                        .setCreatedAt(Instant.ofEpochMilli(updated / 2)).setUpdatedAt(Instant.ofEpochMilli(updated)).setFireCount(fires)
                        .setNextFireAt(fires % 2 == 0 ? null : Instant.ofEpochMilli(updated + fires)).setLastOutcome(fires % 3 == 0 ? "delivered" : null)
                        .build());
    }
}
