package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.schemas.config.ConfigKeys;
import io.punctual.schemas.secrets.KeyMaterial;
import io.punctual.testkit.KafkaFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every client mistake is a 4xx application/problem+json naming the field at fault. These are refused before a
 * command is published, so the gateway runs here on the real broker without a planner.
 */
class GatewayProblemsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ApplicationContext context;
    private static String baseUrl;

    @BeforeAll
    static void start() {
        KafkaFixture kafka = KafkaFixture.shared();
        context = ApplicationContext.builder().deduceEnvironment(false).properties(Map.of(
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ConfigKeys.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl(),
                ConfigKeys.KEYSET_JSON, KeyMaterial.generate().toJson(),
                "micronaut.server.port", -1)).start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class);
        server.start();
        baseUrl = "http://localhost:" + server.getPort();
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void missingKeyIs401() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", null, "application/json", validBody());
        assertProblem(response, 401, "urn:punctual:problem:unauthenticated");
    }

    @Test
    void malformedJsonIs400WithItsPosition() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", "key-1", "application/json", "{\"agent_id\": \"a\",");
        JsonNode problem = assertProblem(response, 400, "urn:punctual:problem:malformed-json");
        assertThat(problem.get("detail").asText()).contains("line 1");
    }

    @Test
    void wrongContentTypeIs415Problem() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", "key-1", "text/plain", validBody());
        assertProblem(response, 415, "urn:punctual:problem:http-415");
    }

    @Test
    void everyInvalidFieldIsNamed() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", "key-1", "application/json",
                "{\"agent_id\": \"bad id with spaces\", \"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}], "
                        + "\"schedule\": {\"type\": \"weekly\"}, \"colour\": \"blue\"}");
        JsonNode problem = assertProblem(response, 400, "urn:punctual:problem:validation");
        assertThat(fields(problem)).containsExactlyInAnyOrder("agent_id", "messages[0].role", "schedule.type", "colour");
    }

    @Test
    void onceNeedsAnInstantWithOffset() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", "key-1", "application/json",
                "{\"agent_id\": \"agent-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
                        + "\"schedule\": {\"type\": \"once\", \"at\": \"2026-12-01 09:00\"}}");
        JsonNode problem = assertProblem(response, 400, "urn:punctual:problem:validation");
        assertThat(fields(problem)).containsExactly("schedule.at");
    }

    @Test
    void tooManyMessagesIsRefused() throws Exception {
        StringBuilder messages = new StringBuilder("[");
        for (int i = 0; i < 101; i++) {
            messages.append(i == 0 ? "" : ",").append("{\"role\": \"user\", \"content\": \"m").append(i).append("\"}");
        }
        messages.append(']');
        HttpResponse<String> response = send("POST", "/v1/schedules", "key-1", "application/json",
                "{\"agent_id\": \"agent-1\", \"messages\": " + messages + ", \"schedule\": {\"type\": \"cron\", \"expression\": \"* * * * *\"}}");
        JsonNode problem = assertProblem(response, 400, "urn:punctual:problem:validation");
        assertThat(fields(problem)).containsExactly("messages");
    }

    @Test
    void unknownScheduleIs404Problem() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/schedules/sch_nope", "key-1", null, null);
        assertProblem(response, 404, "urn:punctual:problem:not-found");
    }

    @Test
    void unknownRouteIs404Problem() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/nothing-here", "key-1", null, null);
        assertProblem(response, 404, "urn:punctual:problem:http-404");
    }

    private static String validBody() {
        return "{\"agent_id\": \"agent-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
                + "\"schedule\": {\"type\": \"cron\", \"expression\": \"*/5 * * * *\"}}";
    }

    private static List<String> fields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.get("field").asText()));
        return fields;
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo(type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asText()).isNotBlank();
        return problem;
    }

    private static HttpResponse<String> send(String method, String path, String key, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
