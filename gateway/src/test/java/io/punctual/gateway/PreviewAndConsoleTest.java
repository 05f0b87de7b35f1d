package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;

import static io.punctual.gateway.GatewayHarness.JSON;
import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The preview endpoint answers the planner's fire times with DST transitions marked and refuses exactly what a
 * create refuses; the console's files are served with a strict Content-Security-Policy.
 */
class PreviewAndConsoleTest {
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.shared();
    }

    @Test
    void previewFollowsThePlannersDstRuleAndMarksTheTransition() throws Exception {
        // A daily 02:30 in New York from 8 March 2030; the clocks go forward on 10 March at 02:00.
        HttpResponse<String> response = gateway.postJson("/v1/schedules/preview?count=4", KEY_A,
                "{\"schedule\": {\"type\": \"cron\", \"expression\": \"30 2 * * *\", \"timezone\": \"America/New_York\"},"
                        + " \"start_at\": \"2030-03-08T00:00:00Z\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode preview = JSON.readTree(response.body());
        assertThat(preview.get("timezone").asText()).isEqualTo("America/New_York");
        JsonNode fires = preview.get("fire_times");
        assertThat(fires).hasSize(4);
        assertThat(fires.get(0).get("at").asText()).isEqualTo("2030-03-08T07:30:00Z");
        assertThat(fires.get(0).get("local").asText()).isEqualTo("2030-03-08T02:30:00-05:00");
        assertThat(fires.get(0).get("dst").isNull()).isTrue();
        assertThat(fires.get(1).get("dst").isNull()).isTrue();
        // 02:30 does not exist that day: the first instant after the gap, 03:00 EDT.
        JsonNode changeDay = fires.get(2);
        assertThat(changeDay.get("at").asText()).isEqualTo("2030-03-10T07:00:00Z");
        assertThat(changeDay.get("local").asText()).isEqualTo("2030-03-10T03:00:00-04:00");
        assertThat(changeDay.get("dst").get("kind").asText()).isEqualTo("spring_forward");
        assertThat(changeDay.get("dst").get("at").asText()).isEqualTo("2030-03-10T07:00:00Z");
        assertThat(changeDay.get("dst").get("offset_before").asText()).isEqualTo("-05:00");
        assertThat(changeDay.get("dst").get("offset_after").asText()).isEqualTo("-04:00");
        assertThat(fires.get(3).get("local").asText()).isEqualTo("2030-03-11T02:30:00-04:00");
        assertThat(fires.get(3).get("dst").isNull()).isTrue();
    }

    @Test
    void previewStopsAtMaxRunsAndShowsOtherCadencesInTheGivenZone() throws Exception {
        HttpResponse<String> response = gateway.postJson("/v1/schedules/preview", KEY_A,
                "{\"schedule\": {\"type\": \"interval\", \"every\": \"1h\", \"anchor\": \"2020-01-01T00:00:00Z\"},"
                        + " \"timezone\": \"Europe/Berlin\", \"max_runs\": 3}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode preview = JSON.readTree(response.body());
        assertThat(preview.get("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(preview.get("fire_times")).hasSize(3);
        Instant first = Instant.parse(preview.get("fire_times").get(0).get("at").asText());
        assertThat(first).isAfter(Instant.now().minusSeconds(1)).isBefore(Instant.now().plusSeconds(3601));
        assertThat(preview.get("fire_times").get(0).get("utc_offset").asText()).isIn("+01:00", "+02:00");
    }

    @Test
    void previewRefusesWhatACreateRefusesWithTheSameProblem() throws Exception {
        String body = "{\"agent_id\": \"bad id\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"schedule\": {\"type\": \"cron\", \"expression\": \"61 * * * *\", \"timezone\": \"Europe/Berlin\"}, \"jitter\": \"soon\"}";
        HttpResponse<String> preview = gateway.postJson("/v1/schedules/preview", KEY_A, body);
        HttpResponse<String> create = gateway.postJson("/v1/schedules", KEY_A, body);
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(400);
        assertThat(create.statusCode()).as(create.body()).isEqualTo(400);
        assertThat(preview.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode previewProblem = JSON.readTree(preview.body());
        JsonNode createProblem = JSON.readTree(create.body());
        assertThat(previewProblem.get("type").asText()).isEqualTo("urn:punctual:problem:validation");
        assertThat(previewProblem.get("errors")).isEqualTo(createProblem.get("errors"));
        assertThat(previewProblem.get("errors").findValuesAsText("field")).contains("agent_id", "jitter");

        // Timing alone: the cadence's own mistake, under the same field name as a create's.
        HttpResponse<String> timingOnly = gateway.postJson("/v1/schedules/preview", KEY_A,
                "{\"schedule\": {\"type\": \"cron\", \"expression\": \"0 9 * * *\", \"timezone\": \"Mars/Olympus\"}}");
        assertThat(timingOnly.statusCode()).as(timingOnly.body()).isEqualTo(400);
        assertThat(JSON.readTree(timingOnly.body()).get("errors").get(0).get("field").asText()).isEqualTo("schedule.timezone");

        HttpResponse<String> badCount = gateway.postJson("/v1/schedules/preview?count=0", KEY_A,
                "{\"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(badCount.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badCount.body()).get("errors").get(0).get("field").asText()).isEqualTo("count");
        assertThat(gateway.postJson("/v1/schedules/preview", null, "{}").statusCode()).isEqualTo(401);
    }

    @Test
    void storedSchedulePreviewIsItsOwnersOnly() throws Exception {
        HttpResponse<String> created = gateway.postJson("/v1/schedules", KEY_A,
                "{\"agent_id\": \"agent-preview\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                        + " \"schedule\": {\"type\": \"cron\", \"expression\": \"0 9 * * 1-5\", \"timezone\": \"Europe/Berlin\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode schedule = JSON.readTree(created.body());
        String id = schedule.get("id").asText();

        HttpResponse<String> response = gateway.get("/v1/schedules/" + id + "/preview?count=10", KEY_A);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode preview = JSON.readTree(response.body());
        assertThat(preview.get("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(preview.get("fire_times")).hasSize(10);
        assertThat(preview.get("fire_times").get(0).get("at").asText()).isEqualTo(schedule.get("next_fire_at").asText());
        assertThat(preview.get("fire_times").get(0).get("local").asText()).contains("T09:00:00+0");
        assertThat(gateway.get("/v1/schedules/" + id + "/preview", KEY_B).statusCode()).isEqualTo(404);
    }

    @Test
    void previewIsDocumentedInTheOpenApiDocumentAndTheConsoleIsNot() throws Exception {
        String document = gateway.get("/openapi.yml", null).body();
        assertThat(document).contains("/v1/schedules/preview:", "/v1/schedules/{id}/preview:").doesNotContain("/console");
    }

    @Test
    void consoleIsServedWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = gateway.get("/console", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        // No inline script or style for the policy to forbid: scripts and styles come from files only.
        assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\"></script>")
                .doesNotContain("<style", "style=", "onclick", "<script>");

        for (String file : new String[] {"app.js", "api.js", "dom.js", "format.js", "ui.js", "schedule.js", "form.js"}) {
            HttpResponse<String> script = gateway.get("/console/" + file, null);
            assertThat(script.statusCode()).as(file).isEqualTo(200);
            assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
            assertThat(script.headers().firstValue("Content-Security-Policy")).isPresent();
            // Data reaches the page as text only.
            assertThat(script.body()).as(file).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
            // The key is kept in the tab's session storage, never in local storage or a cookie.
            assertThat(script.body()).as(file).doesNotContain("localStorage", "document.cookie");
        }
        assertThat(gateway.get("/console/console.css", null).headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(gateway.get("/console/missing.js", null).statusCode()).isEqualTo(404);
        assertThat(gateway.get("/console/..%2Fapplication.yml", null).statusCode()).isEqualTo(404);
    }
}
