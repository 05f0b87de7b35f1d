package io.punctual.embedded.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Confluent Schema Registry's REST API (the Avro subset Punctual and Confluent's serializers use) on top of
 * {@link SchemaRegistryService}. Client mistakes are answered with Confluent's error codes, never with a 500.
 */
final class RegistryHttpApi implements HttpHandler {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String AVRO = "AVRO";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistryService service;

    RegistryHttpApi(SchemaRegistryService service) {
        this.service = service;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            int status;
            Object body;
            try {
                body = route(exchange.getRequestMethod(), segments(exchange), queryParameters(exchange), exchange);
                status = 200;
            } catch (RegistryException e) {
                status = e.httpStatus();
                body = error(e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Schema registry failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                status = 500;
                body = error(50001, "Error in the backend data store: " + e.getMessage());
            }
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } finally {
            exchange.close();
        }
    }

    private Object route(String method, List<String> path, Map<String, String> query, HttpExchange exchange)
            throws IOException {
        int n = path.size();
        String first = n > 0 ? path.get(0) : "";
        if (n == 0) {
            return JSON.createObjectNode();
        }
        switch (first) {
            case "subjects":
                if (n == 1) {
                    requireMethod(method, "GET");
                    return service.subjects();
                }
                String subject = path.get(1);
                if (n == 2) {
                    requireMethod(method, "POST");
                    SubjectVersion found = service.lookup(subject, schemaOf(readBody(exchange)));
                    return subjectVersion(found);
                }
                if (!"versions".equals(path.get(2))) {
                    break;
                }
                if (n == 3) {
                    if ("POST".equals(method)) {
                        ObjectNode answer = JSON.createObjectNode();
                        answer.put("id", service.register(subject, schemaOf(readBody(exchange))));
                        return answer;
                    }
                    requireMethod(method, "GET");
                    return service.versions(subject);
                }
                if (n == 4) {
                    requireMethod(method, "GET");
                    return subjectVersion(service.version(subject, path.get(3)));
                }
                if (n == 5 && "schema".equals(path.get(4))) {
                    requireMethod(method, "GET");
                    return JSON.readTree(service.version(subject, path.get(3)).schema());
                }
                break;
            case "schemas":
                if (n == 2 && "types".equals(path.get(1))) {
                    requireMethod(method, "GET");
                    return List.of(AVRO);
                }
                if (n == 3 && "ids".equals(path.get(1))) {
                    requireMethod(method, "GET");
                    ObjectNode answer = JSON.createObjectNode();
                    answer.put("schema", service.schemaById(path.get(2)));
                    return answer;
                }
                break;
            case "config":
                if (n == 1) {
                    return config(method, null, query, exchange);
                }
                if (n == 2) {
                    return config(method, path.get(1), query, exchange);
                }
                break;
            case "compatibility":
                if (n == 5 && "subjects".equals(path.get(1)) && "versions".equals(path.get(3))) {
                    requireMethod(method, "POST");
                    boolean compatible = service.isCompatible(path.get(2), path.get(4), schemaOf(readBody(exchange)));
                    ObjectNode answer = JSON.createObjectNode();
                    answer.put("is_compatible", compatible);
                    return answer;
                }
                break;
            default:
                break;
        }
        throw RegistryException.notFound();
    }

    private Object config(String method, String subject, Map<String, String> query, HttpExchange exchange)
            throws IOException {
        switch (method) {
            case "GET": {
                CompatibilityLevel level;
                if (subject == null) {
                    level = service.globalLevel();
                } else if (Boolean.parseBoolean(query.get("defaultToGlobal"))) {
                    level = service.subjectLevel(subject).orElseGet(service::globalLevel);
                } else {
                    level = service.subjectLevel(subject)
                        .orElseThrow(() -> RegistryException.subjectLevelCompatibilityNotConfigured(subject));
                }
                return levelAnswer("compatibilityLevel", level);
            }
            case "PUT": {
                JsonNode body = readBody(exchange);
                JsonNode requested = body.has("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
                String name = requested == null || requested.isNull() ? null : requested.asText();
                CompatibilityLevel level = CompatibilityLevel.parse(name)
                    .orElseThrow(() -> RegistryException.invalidCompatibilityLevel(name));
                service.setLevel(subject, level);
                return levelAnswer("compatibility", level);
            }
            case "DELETE":
                if (subject != null) {
                    return levelAnswer("compatibilityLevel", service.deleteSubjectLevel(subject));
                }
                throw RegistryException.methodNotAllowed();
            default:
                throw RegistryException.methodNotAllowed();
        }
    }

    /** Extracts the Avro schema text of a register, look-up or compatibility request. */
    private static String schemaOf(JsonNode body) {
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !AVRO.equalsIgnoreCase(type.asText())) {
            throw RegistryException.invalidSchema("Schema type " + type.asText() + " is not supported; only AVRO is");
        }
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw RegistryException.invalidSchema("Schema references are not supported");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || schema.isNull()) {
            throw RegistryException.invalidSchema("Empty schema");
        }
        // Confluent wants the schema as a JSON string; a schema given as a JSON object is taken too.
        return schema.isTextual() ? schema.asText() : schema.toString();
    }

    private static JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readAllBytes();
        }
        if (bytes.length == 0) {
            throw RegistryException.badRequest("Request body is empty");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw RegistryException.badRequest("Request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw RegistryException.badRequest("Malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static void requireMethod(String actual, String expected) {
        if (!expected.equals(actual)) {
            throw RegistryException.methodNotAllowed();
        }
    }

    private static ObjectNode subjectVersion(SubjectVersion version) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("subject", version.subject());
        answer.put("version", version.version());
        answer.put("id", version.id());
        answer.put("schema", version.schema());
        return answer;
    }

    private static ObjectNode levelAnswer(String field, CompatibilityLevel level) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put(field, level.name());
        return answer;
    }

    private static ObjectNode error(int code, String message) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("error_code", code);
        answer.put("message", message);
        return answer;
    }

    /** Path segments, percent-decoded one by one so that a subject may contain an encoded slash. */
    private static List<String> segments(HttpExchange exchange) {
        List<String> segments = new ArrayList<>();
        for (String raw : exchange.getRequestURI().getRawPath().split("/")) {
            if (!raw.isEmpty()) {
                segments.add(decode(raw));
            }
        }
        return segments;
    }

    private static Map<String, String> queryParameters(HttpExchange exchange) {
        Map<String, String> parameters = new HashMap<>();
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    parameters.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                } else if (!pair.isEmpty()) {
                    parameters.put(decode(pair), "");
                }
            }
        }
        return parameters;
    }

    private static String decode(String raw) {
        try {
            // A literal '+' in a path is a plus, not a space.
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest("Malformed URL encoding: " + raw);
        }
    }
}
