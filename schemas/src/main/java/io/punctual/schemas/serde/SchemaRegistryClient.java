package io.punctual.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A compact client of the Confluent Schema Registry REST API (also served by Apicurio's ccompat API,
 * Karapace, Redpanda and Punctual's embedded registry). Every answer is cached: after the first record of
 * a type, serializing and deserializing make no HTTP call. Basic or bearer authentication and TLS trust come from
 * {@link RegistryClientSettings}, under Confluent's property names.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    /** A client without authentication, trusting the JDK's default CAs. */
    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, RegistryClientSettings.none());
    }

    public SchemaRegistryClient(String baseUrl, RegistryClientSettings settings) {
        // Credentials in the URL (basic.auth.credentials.source=URL) travel in the header, never in the URL itself.
        String plain = RegistryClientSettings.withoutUserInfo(baseUrl);
        this.baseUrl = URI.create(plain.endsWith("/") ? plain : plain + "/");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        settings.sslContext().ifPresent(builder::sslContext);
        this.http = builder.build();
        this.authorization = settings.authorization();
    }

    public String baseUrl() {
        return baseUrl.toString();
    }

    /** Registers the schema under the subject (or finds it registered already) and returns its global id. */
    @Override
    public int register(String subject, Schema schema) {
        return idBySubjectAndSchema.computeIfAbsent(subject + '\u0000' + schema, k -> {
            JsonNode answer = send("POST", "subjects/" + encode(subject) + "/versions", body(schema));
            int id = answer.get("id").asInt();
            schemaById.putIfAbsent(id, schema);
            return id;
        });
    }

    /** Looks up the id of a schema already registered under the subject, without registering it. */
    @Override
    public int lookup(String subject, Schema schema) {
        return idBySubjectAndSchema.computeIfAbsent(subject + '\u0000' + schema, k -> {
            JsonNode answer = send("POST", "subjects/" + encode(subject), body(schema));
            int id = answer.get("id").asInt();
            schemaById.putIfAbsent(id, schema);
            return id;
        });
    }

    /** The writer schema with this global id. */
    @Override
    public Schema schemaById(int id) {
        return schemaById.computeIfAbsent(id, k -> {
            JsonNode answer = send("GET", "schemas/ids/" + id, null);
            return new Schema.Parser().parse(answer.get("schema").asText());
        });
    }

    /** Whether the registry answers an authenticated {@code GET /subjects} with 200 within {@code timeout}, for health checks. */
    @Override
    public boolean ping(Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve("subjects")).timeout(timeout).GET();
        authorization.ifPresent(value -> request.header("Authorization", value));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String body(Schema schema) {
        try {
            return JSON.writeValueAsString(Map.of("schema", schema.toString(), "schemaType", "AVRO"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private JsonNode send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", CONTENT_TYPE + ", application/json");
        authorization.ifPresent(value -> request.header("Authorization", value));
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new SchemaRegistryException(response.statusCode(), method + " " + path + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException(-1, method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(-1, method + " " + path + " interrupted", e);
        }
    }
}
