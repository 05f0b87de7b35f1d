package io.punctual.schemas.serde;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads values in the Confluent wire format onto a projection of their schema: a record schema of the same name with
 * only the fields a reader needs. Avro's schema resolution skips the writer's other fields instead of building them,
 * which is what makes a look at a few fields of a large record cheap (the gateway's view of each state, the planner's
 * census of statuses). One resolving reader per writer schema id, as {@link AvroSerde} keeps.
 */
public final class ProjectedReader {
    private final SchemaRegistry registry;
    private final Schema projection;
    private final Map<Integer, GenericDatumReader<GenericRecord>> readersByWriterId = new ConcurrentHashMap<>();

    public ProjectedReader(SchemaRegistry registry, Schema projection) {
        this.registry = registry;
        this.projection = projection;
    }

    /** The projected fields of {@code data}; fails with a {@link SerializationException} naming the writer's schema id. */
    public GenericRecord read(byte[] data) {
        int id = AvroSerde.writerSchemaId(data);
        GenericDatumReader<GenericRecord> reader = readersByWriterId.computeIfAbsent(id,
                i -> new GenericDatumReader<>(registry.schemaById(i), projection, GenericData.get()));
        try {
            return reader.read(null, AvroSerde.payloadDecoder(data));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Could not read a " + projection.getName() + " written with schema id " + id + ": " + e, e);
        }
    }
}
