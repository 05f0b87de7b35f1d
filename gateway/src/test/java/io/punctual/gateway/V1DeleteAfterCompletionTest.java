package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code delete_after_completion} on /v1: created, rendered, patched, and refused when it is not a boolean. */
class V1DeleteAfterCompletionTest {
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.shared();
    }

    @Test
    void isCreatedRenderedAndPatched() throws Exception {
        String body = V1SchedulesTest.onceBody("agent-" + UUID.randomUUID());
        HttpResponse<String> created = gateway.postJson("/v1/schedules", KEY_A,
                body.substring(0, body.length() - 1) + ", \"delete_after_completion\": true}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode schedule = json(created);
        assertThat(schedule.get("delete_after_completion").asBoolean()).isTrue();
        assertThat(schedule.get("completed_at").isNull()).isTrue();

        String id = schedule.get("id").asText();
        HttpResponse<String> patched = gateway.send("PATCH", "/v1/schedules/" + id, KEY_A, "application/merge-patch+json",
                "{\"delete_after_completion\": false}", Map.of("If-Match", "\"" + schedule.get("version").asLong() + "\""));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(json(patched).get("delete_after_completion").asBoolean()).isFalse();

        HttpResponse<String> defaulted = gateway.postJson("/v1/schedules", KEY_A, V1SchedulesTest.onceBody("agent-" + UUID.randomUUID()));
        assertThat(json(defaulted).get("delete_after_completion").asBoolean()).isFalse();
    }

    @Test
    void aValueThatIsNotABooleanIsA400NamingTheField() throws Exception {
        String body = V1SchedulesTest.onceBody("agent-" + UUID.randomUUID());
        HttpResponse<String> refused = gateway.postJson("/v1/schedules", KEY_A,
                body.substring(0, body.length() - 1) + ", \"delete_after_completion\": \"yes\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).findValuesAsText("field")).contains("delete_after_completion");
    }
}
