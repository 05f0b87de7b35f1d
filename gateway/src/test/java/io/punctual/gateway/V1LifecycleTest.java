package io.punctual.gateway;

import java.time.Duration;
import org.awaitility.Awaitility;
import io.punctual.schemas.WebhookTarget;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.PlaintextScan;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Door 1's changes after create (patch, replace, pause, resume, trigger) and the other targets, acknowledged by the planner. */
class V1LifecycleTest {
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.shared();
    }

    @Test
    void patchPauseResumeTrigger() throws Exception {
        String id = V1SchedulesTest.createOnce(KEY_A, "agent-" + UUID.randomUUID());
        HttpResponse<String> patched = gateway.send("PATCH", "/v1/schedules/" + id, KEY_A, "application/merge-patch+json",
                "{\"labels\": {\"team\": \"ops\"}, \"jitter\": \"5s\"}", Map.of("If-Match", "\"1\""));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(json(patched).at("/labels/team").asText()).isEqualTo("ops");
        assertThat(patched.headers().firstValue("ETag")).hasValue("\"2\"");

        HttpResponse<String> paused = gateway.postJson("/v1/schedules/" + id + "/pause", KEY_A, "{\"note\": \"holiday\"}");
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        assertThat(json(paused).get("status").asText()).isEqualTo("paused");
        assertThat(json(paused).get("paused_note").asText()).isEqualTo("holiday");

        HttpResponse<String> resumed = gateway.send("POST", "/v1/schedules/" + id + "/resume", KEY_A, null, null);
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        assertThat(json(resumed).get("status").asText()).isEqualTo("active");

        HttpResponse<String> triggered = gateway.send("POST", "/v1/schedules/" + id + "/trigger", KEY_A, null, null);
        assertThat(triggered.statusCode()).as(triggered.body()).isEqualTo(200);
    }

    @Test
    void putReplacesTheWholeScheduleAndClearsWhatItOmits() throws Exception {
        String agent = "agent-" + UUID.randomUUID();
        String id = V1SchedulesTest.createOnce(KEY_A, agent);
        HttpResponse<String> replaced = gateway.send("PUT", "/v1/schedules/" + id, KEY_A, "application/json",
                "{\"agent_id\": \"" + agent + "\", \"messages\": [{\"role\": \"user\", \"content\": \"every 5 min\"}],"
                        + " \"schedule\": {\"type\": \"interval\", \"every\": \"5m\"}, \"max_runs\": 3}", Map.of("If-Match", "\"1\""));
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        JsonNode s = json(replaced);
        assertThat(s.get("version").asLong()).isEqualTo(2);
        assertThat(s.at("/schedule/type").asText()).isEqualTo("interval");
        assertThat(s.at("/messages/0/content").asText()).isEqualTo("every 5 min");
        assertThat(s.get("next_fire_times")).hasSize(3);
        HttpResponse<String> stale = gateway.send("PUT", "/v1/schedules/" + id, KEY_A, "application/json",
                V1SchedulesTest.onceBody(agent), Map.of("If-Match", "\"1\""));
        assertThat(stale.statusCode()).isEqualTo(412);
        // Clearing max_runs with a merge patch null.
        HttpResponse<String> cleared = gateway.send("PATCH", "/v1/schedules/" + id, KEY_A, "application/merge-patch+json",
                "{\"max_runs\": null}", Map.of("If-Match", "\"2\""));
        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        assertThat(json(cleared).get("max_runs").isNull()).isTrue();
        assertThat(json(cleared).get("next_fire_times")).hasSize(5);
    }

    @Test
    void intervalWebhookAndKafkaTargetsAreCreated() throws Exception {
        HttpResponse<String> kafka = gateway.postJson("/v1/schedules", KEY_A, "{\"target\": {\"type\": \"kafka\", \"topic\": \"user.events\","
                + " \"value\": {\"hello\": 1}}, \"schedule\": {\"type\": \"interval\", \"every\": \"15m\"}}");
        assertThat(kafka.statusCode()).as(kafka.body()).isEqualTo(201);
        JsonNode k = json(kafka);
        assertThat(k.at("/schedule/every").asText()).isEqualTo("15m");
        assertThat(k.at("/target/value/hello").asInt()).isEqualTo(1);
        assertThat(k.get("next_fire_times")).hasSize(5);

        HttpResponse<String> webhook = gateway.postJson("/v1/schedules", KEY_A, "{\"target\": {\"type\": \"webhook\", \"url\": \"https://93.184.215.14/hook\","
                + " \"body\": {\"ping\": true}}, \"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(201);
        assertThat(json(webhook).at("/target/url").asText()).isEqualTo("https://93.184.215.14/hook");
    }

    @Test
    void aWebhookSecretIsStoredEncryptedNeverShownAndKeptAcrossPatches() throws Exception {
        String secret = "whsec-" + UUID.randomUUID();
        HttpResponse<String> created = gateway.postJson("/v1/schedules", KEY_A, "{\"target\": {\"type\": \"webhook\", \"url\": \"https://93.184.215.14/hook\","
                + " \"secret\": \"" + secret + "\"}, \"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(secret);
        String id = json(created).get("id").asText();
        GatewayViews views = gateway.context.getBean(GatewayViews.class);
        assertThat(decryptedSecret(views, id)).isEqualTo(secret);

        HttpResponse<String> patched = gateway.send("PATCH", "/v1/schedules/" + id, KEY_A, "application/merge-patch+json",
                "{\"target\": {\"url\": \"https://93.184.215.15/hook\"}}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(patched.body()).doesNotContain(secret);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> views.schedules().get(id).orElseThrow().getVersion() == 2);
        assertThat(((WebhookTarget) views.schedules().get(id).orElseThrow().getSpec().getTarget()).getUrl()).isEqualTo("https://93.184.215.15/hook");
        assertThat(decryptedSecret(views, id)).isEqualTo(secret);

        HttpResponse<String> tooShort = gateway.postJson("/v1/schedules", KEY_A, "{\"target\": {\"type\": \"webhook\", \"url\": \"https://93.184.215.14/hook\","
                + " \"secret\": \"short\"}, \"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(tooShort.statusCode()).isEqualTo(400);
        assertThat(json(tooShort).at("/errors/0/field").asText()).isEqualTo("target.secret");
    }

    @Test
    void webhookHeadersAreStoredEncryptedShownOnlyByNameAndKeptAcrossChanges() throws Exception {
        String token = "hdr-token-" + UUID.randomUUID();
        HttpResponse<String> created = gateway.postJson("/v1/schedules", KEY_A, "{\"target\": {\"type\": \"webhook\", \"url\": \"https://93.184.215.14/hook\","
                + " \"headers\": {\"Authorization\": \"Bearer " + token + "\", \"X-Team\": \"blue\"}}, \"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(token).doesNotContain("blue");
        assertThat(json(created).at("/target/headers/Authorization").asText()).isEqualTo("[redacted]");
        assertThat(json(created).at("/target/headers/X-Team").asText()).isEqualTo("[redacted]");
        String id = json(created).get("id").asText();
        GatewayViews views = gateway.context.getBean(GatewayViews.class);
        WebhookTarget stored = (WebhookTarget) views.schedules().get(id).orElseThrow().getSpec().getTarget();
        assertThat(stored.getHeaders()).isEmpty();
        assertThat(stored.getHeaderNames()).containsExactly("Authorization", "X-Team");
        assertThat(decryptedHeaders(id)).containsExactlyInAnyOrderEntriesOf(Map.of("Authorization", "Bearer " + token, "X-Team", "blue"));

        // A patch naming one header changes it and keeps the others (sent back as "[redacted]" by the merge).
        HttpResponse<String> patched = gateway.send("PATCH", "/v1/schedules/" + id, KEY_A, "application/merge-patch+json",
                "{\"target\": {\"headers\": {\"X-Team\": \"red\"}}}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> views.schedules().get(id).orElseThrow().getVersion() == 2);
        assertThat(decryptedHeaders(id)).containsExactlyInAnyOrderEntriesOf(Map.of("Authorization", "Bearer " + token, "X-Team", "red"));

        // A replace with what GET answered keeps the values too; "[redacted]" for a header it never had is refused.
        JsonNode current = json(gateway.get("/v1/schedules/" + id, KEY_A));
        String replacement = "{\"target\": " + current.get("target") + ", \"schedule\": {\"type\": \"interval\", \"every\": \"2h\"}}";
        HttpResponse<String> replaced = gateway.send("PUT", "/v1/schedules/" + id, KEY_A, "application/json", replacement);
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> views.schedules().get(id).orElseThrow().getVersion() == 3);
        assertThat(decryptedHeaders(id)).containsExactlyInAnyOrderEntriesOf(Map.of("Authorization", "Bearer " + token, "X-Team", "red"));
        HttpResponse<String> unknown = gateway.postJson("/v1/schedules", KEY_A, "{\"target\": {\"type\": \"webhook\", \"url\": \"https://93.184.215.14/hook\","
                + " \"headers\": {\"X-New\": \"[redacted]\"}}, \"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).at("/errors/0/field").asText()).isEqualTo("target.headers.X-New");

        // A fire carries the target onto punctual.due: the value is on no topic in plaintext, only its ciphertext.
        assertThat(gateway.send("POST", "/v1/schedules/" + id + "/trigger", KEY_A, null, null).statusCode()).isEqualTo(200);
        PlaintextScan.Result scan = PlaintextScan.assertNoneInTopics(KafkaFixture.shared().bootstrapServers(), List.of(token));
        assertThat(scan.topics()).contains("punctual.commands", "punctual.schedules", "punctual.due");
        assertThat(gateway.get("/v1/schedules/" + id, KEY_A).body()).doesNotContain(token);
    }

    private static Map<String, String> decryptedHeaders(String id) throws Exception {
        WebhookTarget target = (WebhookTarget) gateway.context.getBean(GatewayViews.class).schedules().get(id).orElseThrow().getSpec().getTarget();
        return gateway.keys.apiKeyCipher().decryptHeaders(target.getHeadersCiphertext(), id);
    }

    private static String decryptedSecret(GatewayViews views, String id) throws Exception {
        WebhookTarget target = (WebhookTarget) views.schedules().get(id).orElseThrow().getSpec().getTarget();
        return gateway.keys.apiKeyCipher().decrypt(target.getSecretCiphertext(), id);
    }
}
