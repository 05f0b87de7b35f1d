package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.KEY_B;
import static io.punctual.gateway.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Door 3: Letta's own schedule API, as Letta's SDK calls it. */
class LettaNativeApiTest {
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.shared();
    }

    @Test
    void createRetrieveListWithAfterAndLimitDelete() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        String base = "/v1/agents/" + agent + "/schedule";
        long at = Instant.now().plusSeconds(3600).toEpochMilli();
        HttpResponse<String> created = gateway.postJson(base, KEY_A, "{\"messages\": [{\"role\": \"user\", \"content\": \"stand-up\"}],"
                + " \"schedule\": {\"type\": \"one-time\", \"scheduled_at\": " + at + "}, \"callback_url\": \"https://example.com/hook\","
                + " \"max_steps\": 5, \"include_return_message_types\": [\"assistant_message\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).get("id").asText();
        assertThat(Instant.parse(json(created).get("next_scheduled_at").asText()).toEpochMilli()).isEqualTo(at);

        JsonNode one = json(gateway.get(base + "/" + id, KEY_A));
        assertThat(one.get("agent_id").asText()).isEqualTo(agent);
        assertThat(one.at("/message/max_steps").asInt()).isEqualTo(5);
        assertThat(one.at("/message/callback_url").asText()).isEqualTo("https://example.com/hook");
        assertThat(one.at("/message/messages/0/content").asText()).isEqualTo("stand-up");
        assertThat(one.at("/schedule/type").asText()).isEqualTo("one-time");
        assertThat(one.at("/schedule/scheduled_at").asLong()).isEqualTo(at);

        List<String> ids = new ArrayList<>(List.of(id));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> recurring = gateway.postJson(base, KEY_A, "{\"messages\": [{\"role\": \"user\", \"content\": \"r\"}],"
                    + " \"schedule\": {\"type\": \"recurring\", \"cron_expression\": \"0 9 * * 1-5\"}}");
            assertThat(recurring.statusCode()).as(recurring.body()).isEqualTo(200);
            ids.add(json(recurring).get("id").asText());
        }
        JsonNode first = json(gateway.get(base + "?limit=2", KEY_A));
        assertThat(first.get("has_next_page").asBoolean()).isTrue();
        assertThat(first.get("scheduled_messages").findValuesAsText("id")).containsExactlyElementsOf(ids.subList(0, 2));
        JsonNode second = json(gateway.get(base + "?limit=2&after=" + ids.get(1), KEY_A));
        assertThat(second.get("has_next_page").asBoolean()).isFalse();
        assertThat(second.get("scheduled_messages").findValuesAsText("id")).containsExactly(ids.get(2));
        assertThat(second.at("/scheduled_messages/0/schedule/cron_expression").asText()).isEqualTo("0 9 * * 1-5");

        assertThat(gateway.get(base + "/" + id, KEY_B).statusCode()).isEqualTo(404);
        assertThat(json(gateway.get(base, KEY_B)).get("scheduled_messages")).isEmpty();
        HttpResponse<String> deleted = gateway.send("DELETE", base + "/" + id, KEY_A, null, null);
        assertThat(json(deleted).get("success").asBoolean()).isTrue();
        assertThat(gateway.get(base + "/" + id, KEY_A).statusCode()).isEqualTo(404);
    }

    @Test
    void aPastScheduledAtIs400() throws Exception {
        HttpResponse<String> response = gateway.postJson("/v1/agents/agent-1/schedule", KEY_A,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"schedule\": {\"scheduled_at\": 1000}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).at("/errors/0/field").asText()).isEqualTo("schedule.scheduled_at");
    }

    @Test
    void aOneTimeScheduleDisappearsOnceItRan() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        String base = "/v1/agents/" + agent + "/schedule";
        HttpResponse<String> created = gateway.postJson(base, KEY_A, "{\"messages\": [{\"role\": \"user\", \"content\": \"soon\"}],"
                + " \"schedule\": {\"scheduled_at\": " + Instant.now().plusSeconds(5).toEpochMilli() + "}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).get("id").asText();
        Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> gateway.get(base + "/" + id, KEY_A).statusCode() == 404);
        assertThat(json(gateway.get(base, KEY_A)).get("scheduled_messages")).isEmpty();
    }

    @Test
    void schedulesOfThisDoorAreNotAutoPausedAndV1PausesAndResumesThem() throws Exception {
        String base = "/v1/agents/agent-" + UUID.randomUUID() + "/schedule";
        HttpResponse<String> created = gateway.postJson(base, KEY_A, "{\"messages\": [{\"role\": \"user\", \"content\": \"r\"}],"
                + " \"schedule\": {\"type\": \"recurring\", \"cron_expression\": \"0 9 * * 1-5\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).get("id").asText();
        assertThat(json(gateway.get("/v1/schedules/" + id, KEY_A)).get("pause_after_failures").asInt()).isZero();
        // Letta's shape has no status: a paused schedule shows nothing due.
        V1Doors.pauseShowAndResume(gateway, id, () -> json(gateway.get(base + "/" + id, KEY_A)).get("next_scheduled_time").isNull() ? "nothing due" : "due",
                "nothing due", "due");
    }
}
