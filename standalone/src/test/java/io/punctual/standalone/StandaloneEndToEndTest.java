package io.punctual.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.punctual.testkit.CapturedLogs;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.PlaintextScan;
import io.punctual.testkit.RecordedRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path on real parts: REST → punctual.commands → planner → punctual.due → executor → a real HTTP
 * Letta stand-in → punctual.results → REST, in the standalone runtime, across a restart on the same data dir.
 */
class StandaloneEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AGENT = "agent-e2e-1";

    @TempDir
    Path dataDir;

    private final String apiKey = "sk-let-" + UUID.randomUUID();
    private LettaStandIn letta;
    private Standalone punctual;

    @AfterEach
    void stop() {
        if (punctual != null) {
            punctual.close();
        }
        if (letta != null) {
            letta.close();
        }
    }

    @Test
    void oneTimeScheduleIsDeliveredOnTimeAndSurvivesARestart() throws Exception {
        letta = new LettaStandIn();
        punctual = startPunctual();

        Instant dueAt = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
        HttpResponse<String> created = post("/v1/schedules", createBody(AGENT, "Good morning", dueAt));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode schedule = JSON.readTree(created.body());
        String id = schedule.get("id").asText();
        assertThat(schedule.get("version").asLong()).isEqualTo(1);
        assertThat(schedule.get("status").asText()).isEqualTo("active");
        assertThat(Instant.parse(schedule.get("next_fire_at").asText())).isEqualTo(dueAt);
        assertThat(created.body()).doesNotContain(apiKey);

        // Read-your-writes: the schedule is visible right after the create answered.
        HttpResponse<String> read = get("/v1/schedules/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(read.body()).get("id").asText()).isEqualTo(id);

        RecordedRequest delivery = letta.awaitMessages(AGENT, 1, Duration.ofSeconds(15)).get(0);
        Duration lateness = Duration.between(dueAt, delivery.receivedAt());
        System.out.printf("Due-to-delivery delay: %d ms%n", lateness.toMillis());
        assertThat(lateness).isBetween(Duration.ZERO, Duration.ofSeconds(1));
        assertThat(delivery.method()).isEqualTo("POST");
        assertThat(delivery.path()).isEqualTo("/v1/agents/" + AGENT + "/messages/async");
        assertThat(delivery.authorization()).isEqualTo("Bearer " + apiKey);
        assertThat(delivery.json().get("messages").get(0).get("content").asText()).isEqualTo("Good morning");

        JsonNode run = awaitRuns(id, 1).get(0);
        assertThat(run.get("outcome").asText()).isEqualTo("delivered");
        assertThat(run.get("letta_run_id").asText()).isEqualTo(delivery.runId());
        assertThat(run.get("fire_id").asText()).isEqualTo(id + "@" + dueAt.toEpochMilli());
        assertThat(Instant.parse(run.get("scheduled_for").asText())).isEqualTo(dueAt);
        assertThat(run.get("http_status").asInt()).isEqualTo(200);
        assertThat(run.get("attempt").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(JSON.readTree(get("/v1/schedules/" + id).body()).get("status").asText()).isEqualTo("completed"));

        // A second schedule falls due while Punctual is down: it must fire after the restart.
        Instant dueWhileDown = Instant.now().plusSeconds(4).truncatedTo(ChronoUnit.MILLIS);
        HttpResponse<String> second = post("/v1/schedules", createBody("agent-e2e-2", "While you were out", dueWhileDown));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
        String secondId = JSON.readTree(second.body()).get("id").asText();
        assertNoPlaintextKey();
        punctual.close();
        punctual = null;

        punctual = startPunctual();
        HttpResponse<String> afterRestart = get("/v1/schedules/" + id);
        assertThat(afterRestart.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(afterRestart.body()).get("status").asText()).isEqualTo("completed");
        assertThat(awaitRuns(id, 1).get(0).get("letta_run_id").asText()).isEqualTo(delivery.runId());

        letta.awaitMessages("agent-e2e-2", 1, Duration.ofSeconds(30));
        JsonNode secondRun = awaitRuns(secondId, 1).get(0);
        assertThat(secondRun.get("outcome").asText()).isEqualTo("delivered");
        // Exactly once: the first schedule was not delivered again by the restart.
        assertThat(letta.messagesTo(AGENT)).hasSize(1);

        HttpResponse<String> deleted = send("DELETE", "/v1/schedules/" + secondId, null);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(get("/v1/schedules/" + secondId).statusCode()).isEqualTo(404);
        assertNoPlaintextKey();
    }

    @Test
    void anotherTenantSeesNothing() throws Exception {
        letta = new LettaStandIn();
        punctual = startPunctual();
        assertThat(partitionsOf("punctual.commands", "punctual.due", "punctual.schedules", "punctual.results"))
                .as("a new standalone's topics (its own default, not the services' six)").containsOnly(Standalone.DEFAULT_PARTITIONS);
        HttpResponse<String> created = post("/v1/schedules", "{\"agent_id\": \"agent-x\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"schedule\": {\"type\": \"cron\", \"expression\": \"*/5 * * * *\", \"timezone\": \"Europe/Berlin\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        HttpRequest foreign = HttpRequest.newBuilder(URI.create(punctual.baseUrl() + "/v1/schedules/" + id))
                .header("Authorization", "Bearer someone-else").GET().build();
        assertThat(HTTP.send(foreign, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        HttpRequest foreignDelete = HttpRequest.newBuilder(URI.create(punctual.baseUrl() + "/v1/schedules/" + id))
                .header("Authorization", "Bearer someone-else").DELETE().build();
        assertThat(HTTP.send(foreignDelete, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(get("/v1/schedules/" + id).statusCode()).isEqualTo(200);

        HttpResponse<String> badCron = post("/v1/schedules", "{\"agent_id\": \"agent-x\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"schedule\": {\"type\": \"cron\", \"expression\": \"61 * * * *\"}}");
        assertThat(badCron.statusCode()).as(badCron.body()).isEqualTo(400);
        assertThat(JSON.readTree(badCron.body()).get("errors").get(0).get("field").asText()).isEqualTo("schedule.expression");
        HttpResponse<String> badZone = post("/v1/schedules", "{\"agent_id\": \"agent-x\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"schedule\": {\"type\": \"cron\", \"expression\": \"0 9 * * *\", \"timezone\": \"Mars/Olympus\"}}");
        assertThat(badZone.statusCode()).as(badZone.body()).isEqualTo(400);
        assertThat(JSON.readTree(badZone.body()).get("errors").get(0).get("field").asText()).isEqualTo("schedule.timezone");
        HttpResponse<String> past = post("/v1/schedules", createBody("agent-x", "late", Instant.now().minus(Duration.ofHours(1))));
        assertThat(past.statusCode()).as(past.body()).isEqualTo(400);
        assertThat(JSON.readTree(past.body()).get("errors").get(0).get("field").asText()).isEqualTo("schedule.at");
    }

    private List<Integer> partitionsOf(String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, punctual.bootstrapServers()))) {
            return admin.describeTopics(List.of(topics)).allTopicNames().get().values().stream()
                    .map(description -> description.partitions().size()).toList();
        }
    }

    private Standalone startPunctual() {
        long started = System.nanoTime();
        Standalone standalone = Standalone.start(new StandaloneConfig(dataDir, 0, 0, 0, letta.baseUrl(), Map.of()));
        String[] last = {""};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(standalone.baseUrl() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (!health.body().equals(last[0])) {
                System.out.printf("%d ms: health %s%n", (System.nanoTime() - started) / 1_000_000, health.body());
                last[0] = health.body();
            }
            return health.statusCode() == 200;
        });
        System.out.printf("Standalone healthy in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        return standalone;
    }

    private List<JsonNode> awaitRuns(String scheduleId, int count) {
        List<JsonNode> runs = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            HttpResponse<String> response = get("/v1/schedules/" + scheduleId + "/runs");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            runs.clear();
            JSON.readTree(response.body()).get("runs").forEach(runs::add);
            assertThat(runs).hasSize(count);
        });
        return runs;
    }

    /** No record on any topic of the broker and no log line holds the Letta key in plaintext. */
    private void assertNoPlaintextKey() {
        assertThat(PlaintextScan.assertNoneInTopics(punctual.bootstrapServers(), List.of(apiKey)).records()).isGreaterThan(0);
        assertThat(CapturedLogs.lines()).isNotEmpty().noneMatch(line -> line.contains(apiKey));
    }

    private static String createBody(String agent, String content, Instant at) {
        return "{\"agent_id\": \"" + agent + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + content + "\"}],"
                + " \"schedule\": {\"type\": \"once\", \"at\": \"" + at + "\"}}";
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send("POST", path, body);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(punctual.baseUrl() + path))
                .header("Authorization", "Bearer " + apiKey);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
