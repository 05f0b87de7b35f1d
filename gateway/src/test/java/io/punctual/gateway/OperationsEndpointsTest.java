package io.punctual.gateway;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document and its UI, Prometheus metrics, and health with Kafka and registry readiness. */
class OperationsEndpointsTest {

    @Test
    void openApiDocumentNamesEveryDoor() throws Exception {
        GatewayHarness gateway = GatewayHarness.shared();
        HttpResponse<String> doc = gateway.get("/openapi.yml", null);
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.body()).startsWith("openapi: 3").contains("/v1/schedules/{id}:", "/schedules/recurring:", "/results/{scheduleId}:",
                "/v1/agents/{agentId}/schedule:", "/v1/runs/{fireId}:");
        // The request bodies are described by their records: fields, rules and the target's and schedule's variants.
        assertThat(doc.body()).contains("$ref: \"#/components/schemas/ScheduleBody\"", "TargetBody.Webhook:", "CadenceBody.Cron:",
                "propertyName: type", "include_return_message_types:", "NativeBody:", "LettaSchedulesBody.Recurring:");
        HttpResponse<String> ui = gateway.get("/swagger-ui", null);
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui-bundle.js");
        assertThat(gateway.get("/swagger-ui/res/swagger-ui-bundle.js", null).statusCode()).isEqualTo(200);
        assertThat(gateway.get("/swagger/punctual-1.yml", null).body()).isEqualTo(doc.body());
        assertThat(gateway.get("/swagger-ui/res/..%2F..%2Fpunctual-1.yml", null).statusCode()).isEqualTo(404);
    }

    @Test
    void prometheusShowsRequestsAndAcknowledgementLatency() throws Exception {
        GatewayHarness gateway = GatewayHarness.shared();
        V1SchedulesTest.createOnce(KEY_A, "agent-" + UUID.randomUUID());
        HttpResponse<String> metrics = gateway.get("/prometheus", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests_seconds_count", "punctual_gateway_command_ack_seconds_count{outcome=\"accepted\"");
    }

    @Test
    void healthReportsKafkaAndRegistry() throws Exception {
        HttpResponse<String> health = GatewayHarness.shared().get("/health", null);
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(json(health).at("/components/kafka").asText()).isEqualTo("UP");
        assertThat(json(health).at("/components/schema-registry").asText()).isEqualTo("UP");
        assertThat(json(health).at("/components/gateway").asText()).isEqualTo("UP");
    }

    @Test
    void probesAreSplitIntoLivenessAndReadiness() throws Exception {
        GatewayHarness gateway = GatewayHarness.shared();
        HttpResponse<String> readiness = gateway.get("/health/readiness", null);
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
        assertThat(json(readiness).at("/components/kafka").asText()).isEqualTo("UP");
        HttpResponse<String> liveness = gateway.get("/health/liveness", null);
        assertThat(liveness.statusCode()).as(liveness.body()).isEqualTo(200);
        assertThat(json(liveness).at("/status").asText()).isEqualTo("UP");
    }
}
