package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.kernel.config.ConfigKeys;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway replicas on one broker: a write answered by one is visible at once on the other (the read barrier),
 * If-Match refuses only a stale version, and a replica restarted with its state on disk resumes instead of replaying.
 */
class ReadReplicasTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path stateDir;

    private static HttpResponse<String> send(ApplicationContext gateway, String method, String path, String body, Map<String, String> headers)
            throws Exception {
        String base = "http://localhost:" + gateway.getBean(EmbeddedServer.class).getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY_A);
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ApplicationContext replica(Path stateDir) {
        ApplicationContext side = GatewayHarness.sideGateway(Map.of(
                ConfigKeys.GATEWAY_STATE_DIR, stateDir.toString(),
                ConfigKeys.GATEWAY_RATE_LIMIT_PER_SECOND, 1_000_000, ConfigKeys.GATEWAY_RATE_LIMIT_BURST, 1_000_000));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> side.getBean(GatewayViews.class).isReady());
        return side;
    }

    @Test
    void aWriteOnOneReplicaIsReadAndConditionallyPatchedOnTheOtherAtOnce() throws Exception {
        ApplicationContext first = GatewayHarness.shared().context;
        try (ApplicationContext second = replica(stateDir)) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> created = send(first, "POST", "/v1/schedules", V1SchedulesTest.onceBody("agent-" + UUID.randomUUID()), Map.of());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                String id = json(created).get("id").asText();
                String etag = created.headers().firstValue("ETag").orElseThrow();

                // No wait: the other replica's read waits for its view to reach the topic's end.
                HttpResponse<String> read = send(second, "GET", "/v1/schedules/" + id, null, Map.of());
                assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
                assertThat(read.headers().firstValue("ETag")).hasValue(etag);

                HttpResponse<String> patched = send(second, "PATCH", "/v1/schedules/" + id, "{\"labels\": {\"round\": \"" + i + "\"}}",
                        Map.of("If-Match", etag));
                assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
                String newer = patched.headers().firstValue("ETag").orElseThrow();

                JsonNode back = json(send(first, "GET", "/v1/schedules/" + id, null, Map.of()));
                assertThat(back.get("version").asLong()).isEqualTo(json(patched).get("version").asLong());
                assertThat(back.at("/labels/round").asText()).isEqualTo(Integer.toString(i));

                // The version written through the other replica is accepted here; the one before it is refused.
                HttpResponse<String> stale = send(first, "PATCH", "/v1/schedules/" + id, "{\"labels\": {}}", Map.of("If-Match", etag));
                assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
                HttpResponse<String> current = send(first, "PATCH", "/v1/schedules/" + id, "{\"labels\": {}}", Map.of("If-Match", newer));
                assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
            }
        }
    }

    @Test
    void aReplicaRestartedWithItsStateOnDiskResumesWhereItStopped() throws Exception {
        ApplicationContext first = GatewayHarness.shared().context;
        String before;
        long readFromStart;
        try (ApplicationContext second = replica(stateDir)) {
            HttpResponse<String> created = send(first, "POST", "/v1/schedules", V1SchedulesTest.onceBody("agent-" + UUID.randomUUID()), Map.of());
            before = json(created).get("id").asText();
            for (int i = 0; i < 3; i++) {
                send(first, "POST", "/v1/schedules", V1SchedulesTest.onceBody("agent-" + UUID.randomUUID()), Map.of());
            }
            assertThat(send(second, "GET", "/v1/schedules/" + before, null, Map.of()).statusCode()).isEqualTo(200);
            readFromStart = second.getBean(GatewayViews.class).scheduleRecordsRead();
        }
        HttpResponse<String> whileDown = send(first, "POST", "/v1/schedules", V1SchedulesTest.onceBody("agent-" + UUID.randomUUID()), Map.of());
        String during = json(whileDown).get("id").asText();

        try (ApplicationContext restarted = replica(stateDir)) {
            assertThat(send(restarted, "GET", "/v1/schedules/" + before, null, Map.of()).statusCode()).isEqualTo(200);
            assertThat(send(restarted, "GET", "/v1/schedules/" + during, null, Map.of()).statusCode()).isEqualTo(200);
            long readAfterRestart = restarted.getBean(GatewayViews.class).scheduleRecordsRead();
            assertThat(readFromStart).as("the first start read the topic from its beginning").isGreaterThanOrEqualTo(4);
            assertThat(readAfterRestart).as("the restart read only what it missed").isLessThan(readFromStart).isLessThanOrEqualTo(3);
        }
    }
}
