package io.punctual.schemas.serde;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Avro values in the Confluent wire format: magic byte 0, the writer schema's 4-byte big-endian registry id,
 * then Avro binary. Any Confluent-compatible consumer can read what this writes, and the reverse.
 * Records written with an older compatible schema are resolved to this class's schema.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    private static final byte MAGIC_BYTE = 0;
    private static final int HEADER_SIZE = 5;
    /**
     * A buffered encoder and a decoder per thread, re-pointed at each record: Avro's direct encoder wrote a
     * synchronized {@code ByteArrayOutputStream} one byte at a time, and a new decoder per record allocated its
     * buffers each time; both led the leaf frames of the burst's profile.
     */
    private static final ThreadLocal<BinaryEncoder> ENCODERS = new ThreadLocal<>();
    private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

    private final Class<T> type;
    private final Schema readerSchema;
    private final SchemaRegistry registry;
    private final boolean autoRegister;
    private final SpecificDatumWriter<T> writer;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();

    public AvroSerde(Class<T> type, SchemaRegistry registry, boolean autoRegister) {
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.writer = new ReusingWriter<>(readerSchema);
    }

    public AvroSerde(Class<T> type, SchemaRegistry registry) {
        this(type, registry, true);
    }

    public Class<T> type() {
        return type;
    }

    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        int id = idByTopic.computeIfAbsent(topic, t -> autoRegister
                ? registry.register(t + "-value", readerSchema)
                : registry.lookup(t + "-value", readerSchema));
        WireBuffer out = WireBuffer.forThisThread();
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        BinaryEncoder reused = ENCODERS.get();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, reused);
        if (encoder != reused) {
            ENCODERS.set(encoder); // once per thread: a set per record was ThreadLocalMap probing and clean-up in the burst's leaf frames
        }
        try {
            writer.write(value, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Could not write " + type.getSimpleName() + " for " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = writerSchemaId(data);
        SpecificDatumReader<T> reader = readersByWriterId.computeIfAbsent(id,
                i -> new SpecificDatumReader<>(registry.schemaById(i), readerSchema));
        BinaryDecoder decoder = payloadDecoder(data);
        try {
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("Trailing bytes after a " + type.getSimpleName());
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("Could not read a " + type.getSimpleName() + " written with schema id " + id + ": " + e, e);
        }
    }

    /** The registry id of the schema {@code data} was written with; refuses bytes not in the Confluent wire format. */
    public static int writerSchemaId(byte[] data) {
        if (data.length < HEADER_SIZE || data[0] != MAGIC_BYTE) {
            throw new SerializationException("Not in the Confluent wire format (no magic byte 0 and schema id)");
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    /** This thread's decoder, pointed at the Avro binary after the header (for a reader of its own, such as a projection). */
    public static BinaryDecoder payloadDecoder(byte[] data) {
        BinaryDecoder reused = DECODERS.get();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE, reused);
        if (decoder != reused) {
            DECODERS.set(decoder);
        }
        return decoder;
    }

    /** Writes a nested record this thread encoded already ({@link EncodedOnce}) as those bytes. */
    private static final class ReusingWriter<T> extends SpecificDatumWriter<T> {
        ReusingWriter(Schema schema) {
            super(schema);
        }

        @Override
        protected void writeRecord(Schema schema, Object datum, Encoder out) throws IOException {
            byte[] encoded = EncodedOnce.encodingOf(datum, schema);
            if (encoded != null) {
                out.writeFixed(encoded, HEADER_SIZE, encoded.length - HEADER_SIZE);
                return;
            }
            super.writeRecord(schema, datum, out);
        }

        /**
         * An optional field's union, {@code ["null", X]} in either order, takes its branch from whether the value is
         * null. Avro resolves every union by name: a look-up of the value's class among the conversions, its schema
         * name and the union's index of names, three hash look-ups per optional field of every record written
         * (most fields of a state are optional). The generated classes type every field, so a set value is one of X.
         */
        @Override
        protected int resolveUnion(Schema union, Object datum) {
            List<Schema> branches = union.getTypes();
            if (branches.size() == 2) {
                if (branches.get(0).getType() == Schema.Type.NULL) {
                    return datum == null ? 0 : 1;
                }
                if (branches.get(1).getType() == Schema.Type.NULL) {
                    return datum == null ? 1 : 0;
                }
            }
            return super.resolveUnion(union, datum);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }
}
