package io.punctual.schemas.serde;

import io.punctual.schemas.AgentRuns;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.QuotaEvent;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.ScheduleState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The serde picks an optional field's union branch from null-ness alone ({@code AvroSerde.ReusingWriter}); what it
 * writes must stay byte for byte what Avro's own writer, resolving every union by name, writes. Random records of
 * every type on a topic, each field and union branch drawn at random (optional fields null or set, nested records,
 * messages, maps), encoded both ways.
 */
class OptionalUnionsTest {
    private static final int HEADER = 5;
    private static final List<Class<? extends SpecificRecord>> TYPES = List.of(ScheduleCommand.class, ScheduleState.class,
            CommandResult.class, DueEvent.class, ExecutionResult.class, QuotaEvent.class, AgentRuns.class);

    private final SchemaRegistry registry = new InMemorySchemaRegistry();

    @Property(tries = 700)
    void everyRecordIsWrittenAsAvrosOwnWriterWritesIt(@ForAll("types") Class<? extends SpecificRecord> type, @ForAll long seed) throws IOException {
        Schema schema = SpecificData.get().getSchema(type);
        SpecificRecord record = (SpecificRecord) new RandomDatum(new Random(seed)).of(schema, 0);

        byte[] serde = serde(type).serialize("t", record);

        assertThat(Arrays.copyOfRange(serde, HEADER, serde.length)).isEqualTo(avro(schema, record));
        // Read back, it writes the same bytes again (Avro's equals cannot compare arrays of records with instants).
        assertThat(serde(type).serialize("t", serde(type).deserialize("t", serde))).isEqualTo(serde);
    }

    @Provide
    Arbitrary<Class<? extends SpecificRecord>> types() {
        return Arbitraries.of(TYPES);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private AvroSerde<SpecificRecord> serde(Class<? extends SpecificRecord> type) {
        return new AvroSerde(type, registry);
    }

    private static byte[] avro(Schema schema, SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** A random value of a schema, as the generated classes hold it (strings, instants, enums, specific records). */
    private record RandomDatum(Random random) {
        private static final int MAX_DEPTH = 6;

        Object of(Schema schema, int depth) {
            return switch (schema.getType()) {
                case RECORD -> {
                    SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
                    for (Schema.Field field : schema.getFields()) {
                        record.put(field.pos(), of(field.schema(), depth + 1));
                    }
                    yield record;
                }
                case UNION -> {
                    List<Schema> branches = schema.getTypes();
                    Schema nullBranch = branches.stream().filter(s -> s.getType() == Schema.Type.NULL).findFirst().orElse(null);
                    // Deep down, optional records stay empty, so a record's size is bounded.
                    Schema branch = depth > MAX_DEPTH && nullBranch != null ? nullBranch : branches.get(random.nextInt(branches.size()));
                    yield of(branch, depth);
                }
                case NULL -> null;
                case STRING -> string();
                case BYTES -> {
                    byte[] bytes = new byte[random.nextInt(40)];
                    random.nextBytes(bytes);
                    yield ByteBuffer.wrap(bytes);
                }
                case INT -> random.nextInt();
                case LONG -> schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
                        ? Instant.ofEpochMilli(random.nextLong() % 10_000_000_000_000L)
                        : random.nextLong();
                case BOOLEAN -> random.nextBoolean();
                case DOUBLE -> random.nextDouble();
                case FLOAT -> random.nextFloat();
                case ENUM -> SpecificData.get().createEnum(schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())), schema);
                case ARRAY -> {
                    List<Object> items = new ArrayList<>();
                    for (int i = random.nextInt(depth > MAX_DEPTH ? 1 : 4); i > 0; i--) {
                        items.add(of(schema.getElementType(), depth + 1));
                    }
                    yield items;
                }
                case MAP -> {
                    Map<String, Object> entries = new HashMap<>();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        entries.put(string(), of(schema.getValueType(), depth + 1));
                    }
                    yield entries;
                }
                default -> throw new IllegalArgumentException("No random value for " + schema.getType());
            };
        }

        private String string() {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                text.appendCodePoint(random.nextInt(4) == 0 ? 0x00e0 + random.nextInt(0x100) : 'a' + random.nextInt(26));
            }
            return text.toString();
        }
    }
}
