package io.punctual.planner;

import io.micronaut.context.ApplicationContext;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.HeadlessService;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.testkit.KafkaFixture;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The planner run on its own, as PlannerApplication runs it: probes and metrics on its management port, and the
 * meters an operator watches moving when a schedule is created, rejected and fired.
 */
class PlannerOperationsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path stateDir;

    @Test
    void servesProbesAndMetricsOnItsManagementPort() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.put(ConfigKeys.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl());
        props.put(ConfigKeys.TOPIC_PARTITIONS, "2");
        props.put(ConfigKeys.PLANNER_APPLICATION_ID, kafka.uniqueName("planner-ops"));
        props.put(ConfigKeys.PLANNER_STATE_DIR, stateDir.toString());
        props.put(ConfigKeys.PLANNER_PUNCTUATE_INTERVAL, "50ms");
        props.put(ConfigKeys.PLANNER_COMMIT_INTERVAL, "50ms");
        // Micronaut takes -1 as "any free port".
        props.put(ConfigKeys.MANAGEMENT_PORT, "-1");
        try (ApplicationContext context = HeadlessService.start(ConfigKeys.PLANNER_ENABLED, props)) {
            String base = "http://localhost:" + context.getBean(EmbeddedServer.class).getPort();
            assertThat(get(base + "/health/liveness").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/health/readiness").statusCode() == 200);

            TopicSerdes serdes = context.getBean(TopicSerdes.class);
            String scheduleId = kafka.uniqueName("s-ops");
            PlannerServiceTest.send(kafka, serdes, TestCommands.createOnce(scheduleId, "agent-" + scheduleId, Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS)));
            PlannerServiceTest.send(kafka, serdes, TestCommands.delete(kafka.uniqueName("s-missing"), "tenant-1", null));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(base + "/prometheus").body())
                    .contains("punctual_planner_running 1.0")
                    .contains("punctual_planner_commands_total{outcome=\"applied\",reason=\"none\"}")
                    .contains("punctual_planner_commands_total{outcome=\"rejected\",reason=\"not_found\"}")
                    .contains("punctual_planner_fires_emitted_total{kind=\"scheduled\"}")
                    .contains("punctual_planner_fire_lag_seconds_count")
                    .contains("punctual_planner_punctuation_seconds_count")
                    .contains("punctual_planner_punctuation_fires_count")
                    .contains("punctual_planner_store_entries{store=\"schedules\"}")
                    // The census counts this test's schedule, fired and so completed (the shared topic may hold
                    // other tests' commands too, so at least one; NaN until each task counted what it started with).
                    .containsPattern("punctual_planner_schedules\\{status=\"completed\"} [1-9][0-9]*\\.0\n")
                    .doesNotContain(scheduleId));
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
