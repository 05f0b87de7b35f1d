package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.KEY_B;
import static io.punctual.gateway.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Door 1 through HTTP, every write acknowledged by the real planner. */
class V1SchedulesTest {
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.shared();
    }

    @Test
    void createReadsBackWithEveryPolicyAndTheNextFiveFireTimes() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        HttpResponse<String> created = gateway.postJson("/v1/schedules", KEY_A, "{\"target\": {\"type\": \"letta\", \"agent_id\": \"" + agent + "\","
                + " \"messages\": [{\"role\": \"user\", \"content\": \"standup\"}], \"max_steps\": 3},"
                + " \"schedule\": {\"type\": \"cron\", \"expression\": \"0 9 * * 1-5\"}, \"timezone\": \"Europe/Berlin\","
                + " \"max_runs\": 20, \"catchup\": \"fire_once\", \"catchup_window\": \"2h\", \"jitter\": \"30s\", \"overlap\": \"skip\","
                + " \"retry\": {\"max_attempts\": 3, \"max_age\": \"10m\"}, \"pause_after_failures\": 4, \"labels\": {\"team\": \"ops\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(KEY_A);
        String id = json(created).get("id").asText();
        assertThat(created.headers().firstValue("ETag")).hasValue("\"1\"");

        HttpResponse<String> read = gateway.get("/v1/schedules/" + id, KEY_A);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("ETag")).hasValue("\"1\"");
        JsonNode s = json(read);
        assertThat(s.get("status").asText()).isEqualTo("active");
        assertThat(s.at("/target/type").asText()).isEqualTo("letta");
        assertThat(s.at("/target/max_steps").asInt()).isEqualTo(3);
        assertThat(s.at("/schedule/timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(s.get("catchup").asText()).isEqualTo("fire_once");
        assertThat(s.get("catchup_window").asText()).isEqualTo("2h");
        assertThat(s.get("jitter").asText()).isEqualTo("30s");
        assertThat(s.get("overlap").asText()).isEqualTo("skip");
        assertThat(s.at("/retry/max_attempts").asInt()).isEqualTo(3);
        assertThat(s.at("/retry/max_age").asText()).isEqualTo("10m");
        assertThat(s.get("pause_after_failures").asInt()).isEqualTo(4);
        assertThat(s.get("max_runs").asLong()).isEqualTo(20);
        assertThat(s.at("/counters/fires").asLong()).isZero();
        List<Instant> times = new ArrayList<>();
        s.get("next_fire_times").forEach(t -> times.add(Instant.parse(t.asText())));
        assertThat(times).hasSize(5).isSorted();
        assertThat(times.get(0)).isEqualTo(Instant.parse(s.get("next_fire_at").asText()));
        // 09:00 in Berlin is 07:00 or 08:00 UTC, on weekdays only.
        assertThat(times).allSatisfy(t -> assertThat(t.atZone(ZoneId.of("Europe/Berlin")).getHour()).isEqualTo(9));
    }

    @Test
    void anotherTenantSeesNothingAndGets404() throws Exception {
        String id = createOnce(KEY_A, "agent-" + UUID.randomUUID());
        assertThat(gateway.get("/v1/schedules/" + id, KEY_B).statusCode()).isEqualTo(404);
        assertThat(gateway.send("DELETE", "/v1/schedules/" + id, KEY_B, null, null).statusCode()).isEqualTo(404);
        assertThat(gateway.get("/v1/schedules/" + id + "/runs", KEY_B).statusCode()).isEqualTo(404);
        JsonNode list = json(gateway.get("/v1/schedules?limit=500", KEY_B));
        list.get("schedules").forEach(s -> assertThat(s.get("id").asText()).isNotEqualTo(id));
        assertThat(gateway.get("/v1/schedules/" + id, KEY_A).statusCode()).isEqualTo(200);
    }

    @Test
    void listFiltersByAgentAndPagesWithACursor() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(createOnce(KEY_A, agent));
        }
        createOnce(KEY_A, "agent-other-" + UUID.randomUUID());
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = json(gateway.get("/v1/schedules?agent_id=" + agent + "&type=once&status=active&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), KEY_A));
            page.get("schedules").forEach(s -> seen.add(s.get("id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(ids);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void aCursorNeitherSkipsNorRepeatsWhileSchedulesAreCreatedAndDeletedBetweenPages() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        List<String> initial = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            initial.add(createOnce(KEY_A, agent));
        }
        Set<String> deleted = new HashSet<>();
        Random random = new Random(7);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json(gateway.get("/v1/schedules?agent_id=" + agent + "&limit=4"
                    + (cursor == null ? "" : "&cursor=" + cursor), KEY_A));
            page.get("schedules").forEach(s -> seen.add(s.get("id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            // Between pages, through the API: one schedule created, one deleted (seen already or not).
            createOnce(KEY_A, agent);
            String victim = initial.get(random.nextInt(initial.size()));
            if (deleted.add(victim)) {
                assertThat(gateway.send("DELETE", "/v1/schedules/" + victim, KEY_A, null, null).statusCode()).isEqualTo(204);
            }
        } while (cursor != null);

        assertThat(new HashSet<>(seen)).as("no schedule listed twice").hasSameSizeAs(seen);
        List<String> mustSee = new ArrayList<>(initial);
        mustSee.removeAll(deleted);
        assertThat(seen).as("every schedule that existed throughout is listed").containsAll(mustSee);
        assertThat(deleted).as("deletes happened while paging").hasSizeGreaterThan(3);
    }

    @Test
    void aStaleIfMatchIs412() throws Exception {
        String id = createOnce(KEY_A, "agent-" + UUID.randomUUID());
        HttpResponse<String> patched = gateway.send("PATCH", "/v1/schedules/" + id, KEY_A, "application/merge-patch+json",
                "{\"labels\": {\"a\": \"b\"}}", Map.of("If-Match", "\"7\""));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(412);
        assertThat(json(patched).get("type").asText()).isEqualTo("urn:punctual:problem:version-conflict");
        HttpResponse<String> deleted = gateway.send("DELETE", "/v1/schedules/" + id, KEY_A, null, null, Map.of("If-Match", "\"2\""));
        assertThat(deleted.statusCode()).isEqualTo(412);
    }

    @Test
    void deleteWithTheCurrentVersionRemovesIt() throws Exception {
        String id = createOnce(KEY_A, "agent-" + UUID.randomUUID());
        HttpResponse<String> deleted = gateway.send("DELETE", "/v1/schedules/" + id, KEY_A, null, null, Map.of("If-Match", "\"1\""));
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(gateway.get("/v1/schedules/" + id, KEY_A).statusCode()).isEqualTo(404);
    }

    @Test
    void theSameIdempotencyKeyGivesTheFirstAnswer() throws Exception {
        String body = onceBody("agent-" + UUID.randomUUID());
        Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        HttpResponse<String> first = gateway.send("POST", "/v1/schedules", KEY_A, "application/json", body, key);
        HttpResponse<String> second = gateway.send("POST", "/v1/schedules", KEY_A, "application/json", body, key);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(json(second).get("id").asText()).isEqualTo(json(first).get("id").asText());
        // Per tenant: the same key from another tenant is another create.
        HttpResponse<String> other = gateway.send("POST", "/v1/schedules", KEY_B, "application/json", body, key);
        assertThat(json(other).get("id").asText()).isNotEqualTo(json(first).get("id").asText());
    }

    @Test
    void aRetryThatReachesAnotherGatewayInstanceGetsTheSameSchedule() throws Exception {
        String body = onceBody("agent-" + UUID.randomUUID());
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = gateway.send("POST", "/v1/schedules", KEY_A, "application/json", body, Map.of("Idempotency-Key", key));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        try (ApplicationContext other = GatewayHarness.sideGateway(Map.of())) {
            String otherUrl = "http://localhost:" + other.getBean(EmbeddedServer.class).getPort();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(otherUrl + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            HttpResponse<String> retried = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(otherUrl + "/v1/schedules"))
                    .header("Authorization", "Bearer " + KEY_A).header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
            assertThat(json(retried).get("id").asText()).isEqualTo(json(first).get("id").asText());
            assertThat(json(retried).get("version").asLong()).isEqualTo(1);
        }
    }

    @Test
    void runsOfANewScheduleAreAnEmptyPage() throws Exception {
        String id = createOnce(KEY_A, "agent-" + UUID.randomUUID());
        JsonNode runs = json(gateway.get("/v1/schedules/" + id + "/runs?limit=10", KEY_A));
        assertThat(runs.get("runs")).isEmpty();
        assertThat(runs.get("next_cursor").isNull()).isTrue();
        assertThat(gateway.get("/v1/runs/" + id + "@1", KEY_A).statusCode()).isEqualTo(404);
    }

    static String createOnce(String key, String agent) throws Exception {
        HttpResponse<String> created = GatewayHarness.shared().postJson("/v1/schedules", key, onceBody(agent));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("id").asText();
    }

    static String onceBody(String agent) {
        Instant at = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        return "{\"agent_id\": \"" + agent + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"schedule\": {\"type\": \"once\", \"at\": \"" + at + "\"}}";
    }
}
