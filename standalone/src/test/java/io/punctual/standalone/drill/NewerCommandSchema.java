package io.punctual.standalone.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.schemas.ScheduleCommand;
import io.punctual.schemas.serde.SchemaRegistryClient;
import io.punctual.schemas.topic.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Commands as a newer client writes them: {@code ScheduleCommand}'s schema plus one optional field, registered as
 * a new version of {@code punctual.commands-value}. A planner that has not read such a record yet must fetch the
 * writer schema by its id, so records written with it need the registry: the case a registry outage hits.
 */
final class NewerCommandSchema {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Schema schema;
    private final int id;

    private NewerCommandSchema(Schema schema, int id) {
        this.schema = schema;
        this.id = id;
    }

    static NewerCommandSchema register(String registryUrl) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(ScheduleCommand.getClassSchema().toString());
            ObjectNode field = ((ArrayNode) json.get("fields")).addObject();
            field.put("name", "client_note");
            field.putArray("type").add("null").add("string");
            field.putNull("default");
            Schema newer = new Schema.Parser().parse(json.toString());
            return new NewerCommandSchema(newer, new SchemaRegistryClient(registryUrl).register(Topics.COMMANDS.name() + "-value", newer));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int id() {
        return id;
    }

    /** The command in the Confluent wire format, written with the newer schema (its new field left null). */
    byte[] serialize(ScheduleCommand command) {
        try {
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(current, null);
            new SpecificDatumWriter<>(ScheduleCommand.class).write(command, encoder);
            encoder.flush();
            GenericRecord record = new GenericDatumReader<GenericRecord>(ScheduleCommand.getClassSchema(), schema)
                    .read(null, DecoderFactory.get().binaryDecoder(current.toByteArray(), null));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder newer = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, newer);
            newer.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
