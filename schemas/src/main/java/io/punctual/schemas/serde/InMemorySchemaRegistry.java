package io.punctual.schemas.serde;

import org.apache.avro.Schema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A schema registry in memory, for what needs schema ids and no registry server (the planner's TopologyTestDriver
 * tests, the gateway's view tests, the view benchmark): like Confluent's, one id per distinct schema over all
 * subjects, and an unknown id or schema is a 404 answer. Not for services: ids are not shared between processes.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final List<Schema> byId = new ArrayList<>();
    private final Map<String, List<Schema>> bySubject = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        int id = idOf(schema);
        if (id < 0) {
            byId.add(schema);
            id = byId.size();
        }
        List<Schema> versions = bySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            versions.add(schema);
        }
        return id;
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        if (!bySubject.getOrDefault(subject, List.of()).contains(schema)) {
            throw new SchemaRegistryException(404, "Schema not found under subject " + subject);
        }
        return idOf(schema);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > byId.size()) {
            throw new SchemaRegistryException(404, "Schema " + id + " not found");
        }
        return byId.get(id - 1);
    }

    @Override
    public boolean ping(Duration timeout) {
        return true;
    }

    private int idOf(Schema schema) {
        int index = byId.indexOf(schema);
        return index < 0 ? -1 : index + 1;
    }
}
