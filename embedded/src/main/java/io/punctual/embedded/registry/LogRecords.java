package io.punctual.embedded.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keys and values of the schema topic. The layout follows Confluent's {@code _schemas} topic: the key names the
 * entity (a subject version, or the global or a subject's config) so that compaction keeps the latest value of
 * each, and a null value deletes a subject's config.
 */
final class LogRecords {

    static final String KEY_TYPE = "keytype";
    static final String SCHEMA = "SCHEMA";
    static final String CONFIG = "CONFIG";

    private static final ObjectMapper JSON = new ObjectMapper();

    private LogRecords() {
    }

    static String schemaKey(String subject, int version) {
        ObjectNode key = JSON.createObjectNode();
        key.put(KEY_TYPE, SCHEMA);
        key.put("subject", subject);
        key.put("version", version);
        key.put("magic", 1);
        return write(key);
    }

    static String schemaValue(String subject, int version, int id, String schema) {
        ObjectNode value = JSON.createObjectNode();
        value.put("subject", subject);
        value.put("version", version);
        value.put("id", id);
        value.put("schema", schema);
        value.put("deleted", false);
        return write(value);
    }

    /** Key of the global config when {@code subject} is null. */
    static String configKey(String subject) {
        ObjectNode key = JSON.createObjectNode();
        key.put(KEY_TYPE, CONFIG);
        key.put("subject", subject);
        key.put("magic", 0);
        return write(key);
    }

    static String configValue(CompatibilityLevel level) {
        ObjectNode value = JSON.createObjectNode();
        value.put("compatibilityLevel", level.name());
        return write(value);
    }

    static JsonNode read(String json) throws JsonProcessingException {
        return JSON.readTree(json);
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
