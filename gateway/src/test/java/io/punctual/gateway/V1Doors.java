package io.punctual.gateway;

import java.net.http.HttpResponse;
import java.util.concurrent.Callable;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/** /v1 over a schedule another door created: it shows it, pauses it and resumes it, and that door sees both. */
final class V1Doors {
    private V1Doors() {
    }

    /**
     * Pauses the schedule on /v1, checks /v1 and the creating door (read by {@code doorSays}) show it paused, then
     * resumes it on /v1 and checks both show it active again.
     */
    static void pauseShowAndResume(GatewayHarness gateway, String id, Callable<String> doorSays, String doorPaused, String doorActive)
            throws Exception {
        assertThat(doorSays.call()).isEqualTo(doorActive);
        HttpResponse<String> paused = gateway.send("POST", "/v1/schedules/" + id + "/pause", KEY_A, "application/json", "{\"note\": \"by hand\"}");
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        assertThat(json(gateway.get("/v1/schedules/" + id, KEY_A)).get("status").asText()).isEqualTo("paused");
        assertThat(doorSays.call()).isEqualTo(doorPaused);
        HttpResponse<String> resumed = gateway.send("POST", "/v1/schedules/" + id + "/resume", KEY_A, null, null);
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        assertThat(json(gateway.get("/v1/schedules/" + id, KEY_A)).get("status").asText()).isEqualTo("active");
        assertThat(doorSays.call()).isEqualTo(doorActive);
    }
}
