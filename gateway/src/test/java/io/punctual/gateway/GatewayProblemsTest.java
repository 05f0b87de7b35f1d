package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
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
 * Every client mistake is a 4xx application/problem+json naming the field at fault.
 */
class GatewayProblemsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VALIDATION = "urn:punctual:problem:validation";
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.shared();
    }

    @Test
    void missingKeyIs401() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", null, "application/json", validBody());
        assertProblem(response, 401, "urn:punctual:problem:unauthenticated");
    }

    @Test
    void malformedJsonIs400WithItsPosition() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json", "{\"agent_id\": \"a\",");
        JsonNode problem = assertProblem(response, 400, "urn:punctual:problem:malformed-json");
        assertThat(problem.get("detail").asText()).contains("line 1");
    }

    @Test
    void wrongContentTypeIs415Problem() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "text/plain", validBody());
        assertProblem(response, 415, "urn:punctual:problem:http-415");
    }

    @Test
    void everyInvalidFieldIsNamed() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
                "{\"agent_id\": \"bad id with spaces\", \"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}], "
                        + "\"schedule\": {\"type\": \"weekly\"}, \"colour\": \"blue\"}");
        JsonNode problem = assertProblem(response, 400, "urn:punctual:problem:validation");
        assertThat(fields(problem)).containsExactlyInAnyOrder("agent_id", "messages[0].role", "schedule.type", "colour");
    }

    @Test
    void onceNeedsAnInstantWithOffset() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
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
        HttpResponse<String> response = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
                "{\"agent_id\": \"agent-1\", \"messages\": " + messages + ", \"schedule\": {\"type\": \"cron\", \"expression\": \"* * * * *\"}}");
        JsonNode problem = assertProblem(response, 400, "urn:punctual:problem:validation");
        assertThat(fields(problem)).containsExactly("messages");
    }

    /** The wire shape clients parse: members in RFC 9457's order, compact, and a member without a value left out. */
    @Test
    void aProblemDocumentKeepsItsShape() throws Exception {
        HttpResponse<String> invalid = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
                "{\"agent_id\": \"../../etc\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
                        + "\"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(invalid.body()).matches("\\{\"type\":\"urn:punctual:problem:validation\",\"title\":\"[^\"]+\",\"status\":400,"
                + "\"detail\":\"agent_id [^\"]+\",\"instance\":\"/v1/schedules\","
                + "\"errors\":\\[\\{\"field\":\"agent_id\",\"message\":\"[^\"]+\"}]}");
        HttpResponse<String> noRoute = send("GET", "/v1/nothing-here", GatewayHarness.KEY_A, null, null);
        assertThat(noRoute.body()).matches("\\{\"type\":\"urn:punctual:problem:http-404\",\"title\":\"[^\"]+\",\"status\":404,"
                + "\"detail\":\"[^\"]+\",\"instance\":\"/v1/nothing-here\"}");
    }

    @Test
    void unknownScheduleIs404Problem() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/schedules/sch_nope", GatewayHarness.KEY_A, null, null);
        assertProblem(response, 404, "urn:punctual:problem:not-found");
    }

    @Test
    void unknownRouteIs404Problem() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/nothing-here", GatewayHarness.KEY_A, null, null);
        assertProblem(response, 404, "urn:punctual:problem:http-404");
    }

    @Test
    void invalidCronCarriesTheParsersReason() throws Exception {
        JsonNode problem = assertProblem(create("\"schedule\": {\"type\": \"cron\", \"expression\": \"61 * * * *\"}"), 400, VALIDATION);
        assertThat(fields(problem)).containsExactly("schedule.expression");
        assertThat(problem.get("errors").get(0).get("message").asText()).contains("61");
    }

    @Test
    void unknownTimeZoneIsNamed() throws Exception {
        JsonNode problem = assertProblem(create("\"schedule\": {\"type\": \"cron\", \"expression\": \"0 9 * * *\", \"timezone\": \"Mars/Olympus\"}"), 400, VALIDATION);
        assertThat(fields(problem)).containsExactly("schedule.timezone");
    }

    @Test
    void anInstantInThePastIsRefused() throws Exception {
        JsonNode problem = assertProblem(create("\"schedule\": {\"type\": \"once\", \"at\": \"2020-01-01T00:00:00Z\"}"), 400, VALIDATION);
        assertThat(fields(problem)).containsExactly("schedule.at");
    }

    @Test
    void endBeforeStartIsRefused() throws Exception {
        JsonNode problem = assertProblem(create("\"schedule\": {\"type\": \"interval\", \"every\": \"15m\"}, "
                + "\"start_at\": \"2031-01-02T00:00:00Z\", \"end_at\": \"2031-01-01T00:00:00Z\""), 400, VALIDATION);
        assertThat(fields(problem)).containsExactly("end_at");
    }

    @Test
    void intervalBelowOneSecondIsRefused() throws Exception {
        JsonNode problem = assertProblem(create("\"schedule\": {\"type\": \"interval\", \"every\": \"500ms\"}"), 400, VALIDATION);
        assertThat(fields(problem)).containsExactly("schedule.every");
    }

    @Test
    void messagesOverTheSizeLimitAreRefused() throws Exception {
        String big = "x".repeat(70 * 1024);
        HttpResponse<String> response = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
                "{\"agent_id\": \"agent-1\", \"messages\": [{\"role\": \"user\", \"content\": \"" + big + "\"}], "
                        + "\"schedule\": {\"type\": \"cron\", \"expression\": \"* * * * *\"}}");
        JsonNode problem = assertProblem(response, 400, VALIDATION);
        assertThat(fields(problem)).containsExactly("messages");
        assertThat(problem.get("detail").asText()).contains("65536");
    }

    @Test
    void unknownTargetTypeIsNamed() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
                "{\"target\": {\"type\": \"carrier-pigeon\"}, \"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(fields(assertProblem(response, 400, VALIDATION))).containsExactly("target.type");
    }

    @Test
    void webhookToAPrivateAddressIsRefused() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
                "{\"target\": {\"type\": \"webhook\", \"url\": \"http://169.254.169.254/latest/meta-data\"}, "
                        + "\"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        JsonNode problem = assertProblem(response, 400, VALIDATION);
        assertThat(fields(problem)).containsExactly("target.url");
    }

    /** The shared gateway allows Kafka targets under {@code user.} and {@code fuzz.} only (see {@link GatewayHarness}). */
    @Test
    void aKafkaTargetOutsideTheOperatorsAllowListIsRefusedAtTarget_topic() throws Exception {
        for (String topic : new String[] {"_schemas", "__consumer_offsets", "punctual-planner-schedules-changelog",
                "user.store-changelog", "billing.invoices"}) {
            HttpResponse<String> response = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
                    "{\"target\": {\"type\": \"kafka\", \"topic\": \"" + topic + "\", \"value\": {\"a\": 1}}, "
                            + "\"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
            JsonNode problem = assertProblem(response, 400, VALIDATION);
            assertThat(fields(problem)).as(topic).containsExactly("target.topic");
        }
    }

    @Test
    void withoutAnAllowListNoKafkaTargetIsAccepted() throws Exception {
        try (ApplicationContext side = GatewayHarness.sideGateway(Map.of())) {
            String base = "http://localhost:" + side.getBean(EmbeddedServer.class).getPort();
            HttpResponse<String> response = gateway.send(base, "POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
                    "{\"target\": {\"type\": \"kafka\", \"topic\": \"user.events\", \"value\": {\"a\": 1}}, "
                            + "\"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
            JsonNode problem = assertProblem(response, 400, VALIDATION);
            assertThat(fields(problem)).containsExactly("target.topic");
            assertThat(problem.toString()).contains("not enabled");
        }
    }

    @Test
    void badAgentIdIsNamed() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
                "{\"agent_id\": \"../../etc\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
                        + "\"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(fields(assertProblem(response, 400, VALIDATION))).containsExactly("agent_id");
    }

    @Test
    void aKeyLettaRefusesIs401() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/schedules", "sk-let-unknown", null, null);
        assertProblem(response, 401, "urn:punctual:problem:unauthenticated");
    }

    private static HttpResponse<String> create(String scheduleJson) throws Exception {
        return send("POST", "/v1/schedules", GatewayHarness.KEY_A, "application/json",
                "{\"agent_id\": \"agent-1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], " + scheduleJson + "}");
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
        return gateway.send(method, path, key, contentType, body);
    }
}
