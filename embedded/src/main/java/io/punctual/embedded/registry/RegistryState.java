package io.punctual.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the schema topic says, in memory. Applying a record is idempotent because the registry applies its own
 * writes immediately and reads them back from the topic later. Not thread-safe: guarded by the registry's lock.
 */
final class RegistryState {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryState.class);

    private final Map<Integer, String> schemasById = new HashMap<>();
    /** Canonical schema text to its global id: the same schema gets one id whatever the subject. */
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final NavigableMap<String, NavigableMap<Integer, Integer>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private final CompatibilityLevel defaultLevel;

    RegistryState(CompatibilityLevel defaultLevel) {
        this.defaultLevel = defaultLevel;
    }

    /** Applies one record of the schema topic; records this registry does not understand are skipped. */
    void apply(String key, String value) {
        try {
            JsonNode keyNode = LogRecords.read(key);
            String type = keyNode.path(LogRecords.KEY_TYPE).asText();
            JsonNode subjectNode = keyNode.path("subject");
            String subject = subjectNode.isTextual() ? subjectNode.asText() : null;
            if (LogRecords.SCHEMA.equals(type) && value != null) {
                JsonNode valueNode = LogRecords.read(value);
                if (!valueNode.path("deleted").asBoolean(false)) {
                    putSchema(subject, valueNode.path("version").asInt(), valueNode.path("id").asInt(),
                        valueNode.path("schema").asText());
                }
            } else if (LogRecords.CONFIG.equals(type)) {
                Optional<CompatibilityLevel> level = value == null ? Optional.empty()
                    : CompatibilityLevel.parse(LogRecords.read(value).path("compatibilityLevel").asText());
                setLevel(subject, level.orElse(null));
            }
        } catch (Exception e) {
            LOG.warn("Skipping unreadable schema-topic record {}", key, e);
        }
    }

    void putSchema(String subject, int version, int id, String schema) {
        schemasById.put(id, schema);
        idsBySchema.putIfAbsent(schema, id);
        subjects.computeIfAbsent(subject, s -> new TreeMap<>()).put(version, id);
    }

    /** Sets (or with null, removes) the level of a subject, or the global level when subject is null. */
    void setLevel(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level;
        } else if (level == null) {
            subjectLevels.remove(subject);
        } else {
            subjectLevels.put(subject, level);
        }
    }

    Optional<String> schema(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    Optional<Integer> idOf(String canonicalSchema) {
        return Optional.ofNullable(idsBySchema.get(canonicalSchema));
    }

    int nextId() {
        return schemasById.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    }

    List<String> subjects() {
        return new ArrayList<>(subjects.keySet());
    }

    /** Versions of a subject mapped to schema ids, in version order; empty if the subject is unknown. */
    NavigableMap<Integer, Integer> versions(String subject) {
        return subjects.getOrDefault(subject, new TreeMap<>());
    }

    CompatibilityLevel globalLevel() {
        return globalLevel != null ? globalLevel : defaultLevel;
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevel(subject).orElseGet(this::globalLevel);
    }
}
