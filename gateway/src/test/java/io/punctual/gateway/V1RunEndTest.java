package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.schemas.fire.FireIds;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /v1} shows a followed Letta run's end in place of its delivery, and takes {@code retry_on_run_failure}. */
class V1RunEndTest {
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.shared();
    }

    @Test
    void aFailedRunShowsItsStatusAndEndOnTheRunsOfItsSchedule() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        Instant at = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> created = gateway.postJson("/v1/schedules", KEY_A, "{\"agent_id\": \"" + agent + "\","
                + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"schedule\": {\"type\": \"once\", \"at\": \"" + at + "\"},"
                + " \"retry_on_run_failure\": true}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created).get("retry_on_run_failure").asBoolean()).isTrue();
        String id = json(created).get("id").asText();

        Instant deliveredAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant endedAt = deliveredAt.plusSeconds(3);
        ExecutionResult delivered = ExecutionResult.newBuilder()
                .setFireId(FireIds.of(id, at)).setScheduleId(id).setTenant(gateway.tenantOf(KEY_A)).setAgentId(agent)
                .setScheduledFor(at).setStartedAt(deliveredAt).setFinishedAt(deliveredAt)
                .setOutcome(Outcome.DELIVERED).setAttempt(1).setHttpStatus(200).setLettaRunId("run-1").setRunFollowed(true).setLettaRunStatus("created")
                .build();
        ExecutionResult ended = ExecutionResult.newBuilder(delivered).setOutcome(Outcome.FAILED).setRunFollowed(false).setRunEnd(true)
                .setLettaRunStatus("failed").setRunFinishedAt(endedAt).setDetail("Letta run run-1 ended failed").build();
        write(delivered);
        write(ended);

        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
                "failed".equals(json(gateway.get("/v1/schedules/" + id + "/runs", KEY_A)).at("/runs/0/letta_run_status").asText()));
        JsonNode run = json(gateway.get("/v1/schedules/" + id + "/runs", KEY_A)).at("/runs/0");
        assertThat(run.get("outcome").asText()).isEqualTo("failed");
        assertThat(run.get("letta_run_id").asText()).isEqualTo("run-1");
        assertThat(run.get("finished_at").asText()).isEqualTo(endedAt.toString());
        assertThat(run.get("delivered_at").asText()).as("it was delivered; its run failed later").isEqualTo(deliveredAt.toString());
        assertThat(json(gateway.get("/v1/schedules/" + id + "/runs", KEY_A)).get("runs")).as("one attempt, shown at its end").hasSize(1);
    }

    @Test
    void aNotifyWebhookIsCheckedLikeAWebhookTargetAndShownWithoutItsSecret() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        Instant at = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String base = "{\"agent_id\": \"" + agent + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"schedule\": {\"type\": \"once\", \"at\": \"" + at + "\"}, ";

        HttpResponse<String> refused = gateway.postJson("/v1/schedules", KEY_A, base + "\"notify_webhook\": {\"url\": \"http://169.254.169.254/x\"}}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("notify_webhook.url");

        HttpResponse<String> created = gateway.postJson("/v1/schedules", KEY_A, base
                + "\"notify_webhook\": {\"url\": \"https://93.184.215.14/notify\", \"secret\": \"a-secret-of-sixteen-chars\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created).at("/notify_webhook/url").asText()).isEqualTo("https://93.184.215.14/notify");
        assertThat(created.body()).doesNotContain("a-secret-of-sixteen-chars");

        HttpResponse<String> patched = gateway.send("PATCH", "/v1/schedules/" + json(created).get("id").asText(), KEY_A,
                "application/merge-patch+json", "{\"notify_webhook\": null}");
        assertThat(patched.statusCode()).isEqualTo(400);
        assertThat(patched.body()).contains("notify_webhook");
    }

    private static void write(ExecutionResult result) throws Exception {
        TopicSerdes serdes = gateway.context.getBean(TopicSerdes.class);
        try (var producer = new KafkaProducer<>(new HashMap<>(gateway.context.getBean(KafkaSettings.class).clientProperties()),
                serdes.keySerde().serializer(), serdes.valueSerde(Topics.RESULTS).serializer())) {
            producer.send(new ProducerRecord<>(Topics.RESULTS.name(), result.getScheduleId(), result)).get();
        }
    }
}
