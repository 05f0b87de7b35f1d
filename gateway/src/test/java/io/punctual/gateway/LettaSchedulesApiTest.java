package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.schemas.Outcome;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.KEY_B;
import static io.punctual.gateway.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Door 2: the "Letta Schedules" API, with its fields and its 401/403/404 meanings. */
class LettaSchedulesApiTest {
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.shared();
    }

    @Test
    void recurringCreateWithTheKeyInTheBodyThenListGetDelete() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        HttpResponse<String> created = gateway.send("POST", "/schedules/recurring", null, "application/json",
                "{\"agent_id\": \"" + agent + "\", \"api_key\": \"" + KEY_A + "\", \"cron\": \"0 9 * * *\","
                        + " \"message\": \"Good morning!\", \"role\": \"user\", \"timezone\": \"America/New_York\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).doesNotContain(KEY_A);
        JsonNode s = json(created);
        String id = s.get("id").asText();
        assertThat(s.get("agent_id").asText()).isEqualTo(agent);
        assertThat(s.get("cron").asText()).isEqualTo("0 9 * * *");
        assertThat(s.get("message").asText()).isEqualTo("Good morning!");
        assertThat(s.get("role").asText()).isEqualTo("user");
        assertThat(s.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d)?");
        assertThat(s.has("last_run")).isTrue();

        JsonNode list = json(gateway.get("/schedules/recurring", KEY_A));
        assertThat(list.isArray()).isTrue();
        assertThat(list.findValuesAsText("id")).contains(id);
        assertThat(json(gateway.get("/schedules/recurring", KEY_B)).findValuesAsText("id")).doesNotContain(id);

        assertThat(gateway.get("/schedules/recurring/" + id, KEY_A).statusCode()).isEqualTo(200);
        assertThat(gateway.get("/schedules/recurring/" + id, KEY_B).statusCode()).isEqualTo(403);
        assertThat(gateway.send("DELETE", "/schedules/recurring/" + id, KEY_B, null, null).statusCode()).isEqualTo(403);
        assertThat(gateway.get("/schedules/recurring/does-not-exist", KEY_A).statusCode()).isEqualTo(404);
        assertThat(gateway.get("/schedules/recurring", "sk-let-nobody").statusCode()).isEqualTo(401);

        assertThat(gateway.send("DELETE", "/schedules/recurring/" + id, KEY_A, null, null).statusCode()).isEqualTo(200);
        assertThat(gateway.get("/schedules/recurring/" + id, KEY_A).statusCode()).isEqualTo(404);
    }

    @Test
    void anExecutedOneTimeScheduleIsGoneWhileItsResultStays() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        Instant at = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> created = gateway.send("POST", "/schedules/one-time", KEY_A, "application/json",
                "{\"agent_id\": \"" + agent + "\", \"execute_at\": \"" + at + "\", \"message\": \"Reminder!\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).get("id").asText();
        assertThat(json(created).get("execute_at").asText()).isEqualTo(at.toString());
        assertThat(json(gateway.get("/schedules/one-time", KEY_A)).findValuesAsText("id")).contains(id);

        // The planner fires it and completes it; the executor's result follows.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> gateway.get("/schedules/one-time/" + id, KEY_A).statusCode() == 404);
        assertThat(json(gateway.get("/schedules/one-time", KEY_A)).findValuesAsText("id")).doesNotContain(id);
        gateway.recordDelivery(id, gateway.tenantOf(KEY_A), agent, at, "run-" + UUID.randomUUID());

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.get("/results/" + id, KEY_A).statusCode() == 200);
        JsonNode result = json(gateway.get("/results/" + id, KEY_A));
        assertThat(result.get("schedule_id").asText()).isEqualTo(id);
        assertThat(result.get("schedule_type").asText()).isEqualTo("one-time");
        assertThat(result.get("run_id").asText()).startsWith("run-");
        assertThat(result.get("agent_id").asText()).isEqualTo(agent);
        assertThat(result.get("message").asText()).isEqualTo("Reminder!");
        assertThat(result.has("executed_at")).isTrue();
        assertThat(json(gateway.get("/results", KEY_A)).findValuesAsText("schedule_id")).contains(id);
        assertThat(gateway.get("/results/" + id, KEY_B).statusCode()).isEqualTo(403);
        assertThat(json(gateway.get("/results", KEY_B)).findValuesAsText("schedule_id")).doesNotContain(id);

        // Door 1 shows the same run.
        JsonNode runs = json(gateway.get("/v1/schedules/" + id + "/runs", KEY_A));
        assertThat(runs.at("/runs/0/fire_id").asText()).isEqualTo(id + "@" + at.toEpochMilli());
        assertThat(gateway.get("/v1/runs/" + id + "@" + at.toEpochMilli(), KEY_A).statusCode()).isEqualTo(200);
        assertThat(gateway.get("/v1/runs/" + id + "@" + at.toEpochMilli(), KEY_B).statusCode()).isEqualTo(404);
    }

    @Test
    void mistakesAreProblemsNamingTheField() throws Exception {
        HttpResponse<String> response = gateway.send("POST", "/schedules/recurring", KEY_A, "application/json",
                "{\"agent_id\": \"agent-1\", \"cron\": \"not a cron\", \"message\": \"x\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/field").asText()).isEqualTo("cron");
        HttpResponse<String> past = gateway.send("POST", "/schedules/one-time", KEY_A, "application/json",
                "{\"agent_id\": \"agent-1\", \"execute_at\": \"2020-01-01T00:00:00Z\", \"message\": \"x\"}");
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(json(past).at("/errors/0/field").asText()).isEqualTo("execute_at");
    }

    @Test
    void aOneTimeExecuteAtKeepsItsOffsetOnEveryRead() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        String executeAt = OffsetDateTime.now(ZoneOffset.ofHours(-5)).plusHours(1).truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        HttpResponse<String> created = gateway.send("POST", "/schedules/one-time", KEY_A, "application/json",
                "{\"agent_id\": \"" + agent + "\", \"execute_at\": \"" + executeAt + "\", \"message\": \"Reminder!\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).get("id").asText();
        assertThat(json(created).get("execute_at").asText()).isEqualTo(executeAt).endsWith("-05:00");
        assertThat(json(gateway.get("/schedules/one-time/" + id, KEY_A)).get("execute_at").asText()).isEqualTo(executeAt);
        assertThat(executeAtIn(json(gateway.get("/schedules/one-time", KEY_A)), id)).isEqualTo(executeAt);

        // A gateway started afresh builds its views from punctual.schedules alone: the offset is stored with the schedule.
        try (ApplicationContext fresh = GatewayHarness.sideGateway(Map.of())) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fresh.getBean(GatewayViews.class).isReady());
            String base = "http://localhost:" + fresh.getBean(EmbeddedServer.class).getPort();
            HttpResponse<String> read = gateway.send(base, "GET", "/schedules/one-time/" + id, KEY_A, null, (String) null);
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(json(read).get("execute_at").asText()).isEqualTo(executeAt);
            assertThat(executeAtIn(json(gateway.send(base, "GET", "/schedules/one-time", KEY_A, null, (String) null)), id)).isEqualTo(executeAt);
        }
    }

    private static String executeAtIn(JsonNode list, String id) {
        for (JsonNode s : list) {
            if (s.get("id").asText().equals(id)) {
                return s.get("execute_at").asText();
            }
        }
        throw new AssertionError(id + " is not listed: " + list);
    }

    @Test
    void resultsShowTheLatestRunOfEachScheduleWithWhatTheRunSent() throws Exception {
        String tenant = gateway.tenantOf(KEY_A);
        String agent = "agent-" + UUID.randomUUID();
        HttpResponse<String> created = gateway.send("POST", "/schedules/recurring", KEY_A, "application/json",
                "{\"agent_id\": \"" + agent + "\", \"cron\": \"0 9 * * *\", \"message\": \"Good morning!\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String recurring = json(created).get("id").asText();
        Instant first = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        // Two runs sent what the schedule said then; it says "Good morning!" now.
        gateway.recordResult(GatewayHarness.result(recurring, tenant, agent, first).setOutcome(Outcome.DELIVERED)
                .setLettaRunId("run-older").setCadenceType("cron").setMessageText("Good morning, old text").build());
        gateway.recordResult(GatewayHarness.result(recurring, tenant, agent, first.plus(1, ChronoUnit.DAYS)).setOutcome(Outcome.DELIVERED)
                .setLettaRunId("run-latest").setCadenceType("cron").setMessageText("Good morning, newer text").build());
        // A later fire that failed is no execution: the latest execution stays the one delivered before it.
        gateway.recordResult(GatewayHarness.result(recurring, tenant, agent, first.plus(2, ChronoUnit.DAYS)).setOutcome(Outcome.FAILED)
                .setCadenceType("cron").setMessageText("Good morning!").build());
        // A one-time schedule whose state is gone altogether (deleted after the retention): only its run is left.
        String gone = "sch_gone" + UUID.randomUUID().toString().replace("-", "");
        gateway.recordResult(GatewayHarness.result(gone, tenant, agent, first).setOutcome(Outcome.DELIVERED)
                .setLettaRunId("run-once").setCadenceType("once").setMessageText("Reminder!").build());

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gateway.get("/results/" + gone, KEY_A).statusCode() == 200);
        JsonNode latest = json(gateway.get("/results/" + recurring, KEY_A));
        assertThat(latest.get("run_id").asText()).isEqualTo("run-latest");
        assertThat(latest.get("schedule_type").asText()).isEqualTo("recurring");
        assertThat(latest.get("message").asText()).isEqualTo("Good morning, newer text");
        JsonNode once = json(gateway.get("/results/" + gone, KEY_A));
        assertThat(once.get("schedule_type").asText()).isEqualTo("one-time");
        assertThat(once.get("message").asText()).isEqualTo("Reminder!");
        assertThat(once.get("agent_id").asText()).isEqualTo(agent);

        JsonNode all = json(gateway.get("/results", KEY_A));
        assertThat(all.findValuesAsText("schedule_id").stream().filter(recurring::equals)).as("one result per schedule").hasSize(1);
        assertThat(all.findValuesAsText("run_id")).contains("run-latest", "run-once").doesNotContain("run-older");
    }

    @Test
    void schedulesOfThisDoorAreNotAutoPausedAndV1PausesAndResumesThem() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        HttpResponse<String> created = gateway.send("POST", "/schedules/recurring", KEY_A, "application/json",
                "{\"agent_id\": \"" + agent + "\", \"cron\": \"0 9 * * *\", \"message\": \"Good morning!\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).get("id").asText();
        assertThat(json(gateway.get("/v1/schedules/" + id, KEY_A)).get("pause_after_failures").asInt()).isZero();

        // Ten failed fires in a row would pause a /v1 schedule (the default pause_after_failures); this one stays active.
        String tenant = gateway.tenantOf(KEY_A);
        Instant at = Instant.now().minus(20, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < 10; i++) {
            gateway.recordResult(GatewayHarness.result(id, tenant, agent, at.plus(i, ChronoUnit.DAYS)).setOutcome(Outcome.FAILED)
                    .setHttpStatus(500).setDetail("Letta answered 500").build());
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                json(gateway.get("/v1/schedules/" + id, KEY_A)).at("/counters/consecutive_failures").asInt() == 10);
        assertThat(json(gateway.get("/v1/schedules/" + id, KEY_A)).get("status").asText()).isEqualTo("active");
        assertThat(json(gateway.get("/schedules/recurring/" + id, KEY_A)).get("status").asText()).isEqualTo("active");

        V1Doors.pauseShowAndResume(gateway, id, () -> json(gateway.get("/schedules/recurring/" + id, KEY_A)).get("status").asText(),
                "paused", "active");
    }
}
