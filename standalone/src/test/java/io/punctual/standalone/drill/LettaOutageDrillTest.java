package io.punctual.standalone.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.RetryPolicy;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.standalone.Standalone;
import io.punctual.standalone.StandaloneConfig;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.StubbedResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drill 5: Letta's message API answers 503 to everything for 30 s while fires come due. The retry settings are
 * short (backoff base 100 ms, at most 2 s between attempts; a retry policy of 50 attempts within 10 min), so the
 * 30 s stand for a five-minute outage under the defaults (base 1 s): each fire is retried many times, then
 * delivered once Letta recovers; no fire is lost and each has exactly one final result. Recurring schedules that
 * give up at once ({@code max_attempts} 1) and pause after 2 failed fires ({@code pause_after_failures}) are
 * auto-paused during the outage, and every door shows it: {@code /v1} status {@code paused} with the note, door 2
 * (the Letta Schedules API) {@code status: paused}, door 3 (Letta's schedule API) {@code next_scheduled_time: null}.
 */
@ExtendWith(DrillAwaits.class)
class LettaOutageDrillTest {
    private static final Logger LOG = LoggerFactory.getLogger(LettaOutageDrillTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int FIRES = 200;
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void firesSurviveALettaOutageAndAutoPausedSchedulesShowOnEveryDoor() throws Exception {
        long started = System.nanoTime();
        KeyMaterial keys = KeyMaterial.readOrCreate(dataDir.resolve("keyset.json"));
        try (LettaStandIn letta = new LettaStandIn();
             Standalone punctual = Standalone.start(new StandaloneConfig(dataDir, 0, 0, 0, letta.baseUrl(), Map.of(
                     ConfigKeys.EXECUTOR_RETRY_BASE_DELAY, "100ms",
                     ConfigKeys.EXECUTOR_RETRY_MAX_DELAY, "2s")))) {
            awaitHealthy(punctual.baseUrl());
            letta.startOutage(StubbedResponse.status(503));
            Instant outageStarted = Instant.now();

            List<String> paused = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> created = send(punctual, "POST", "/v1/schedules", "{\"agent_id\": \"agent-outage-" + i + "\","
                        + " \"messages\": [{\"role\": \"user\", \"content\": \"every three seconds\"}],"
                        + " \"schedule\": {\"type\": \"cron\", \"expression\": \"*/2 * * * * *\", \"timezone\": \"UTC\"},"
                        + " \"retry\": {\"max_attempts\": 1, \"max_age\": \"1h\"}, \"pause_after_failures\": 2}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                paused.add(JSON.readTree(created.body()).get("id").asText());
            }
            Burst burst = Burst.create(punctual.bootstrapServers(), punctual.schemaRegistryUrl(), keys, FIRES, 50,
                    Instant.now().plusSeconds(3), Duration.ofSeconds(10),
                    spec -> spec.setRetry(RetryPolicy.newBuilder().setMaxAttempts(50).setMaxAgeMs(Duration.ofMinutes(10).toMillis()).build()));

            for (String id : paused) {
                await("schedule " + id + " auto-paused").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() ->
                        JSON.readTree(send(punctual, "GET", "/v1/schedules/" + id, null).body()).get("status").asText().equals("paused"));
            }
            await("the outage has lasted " + OUTAGE).atMost(OUTAGE.plusSeconds(5))
                    .until(() -> Duration.between(outageStarted, Instant.now()).compareTo(OUTAGE) >= 0);
            long failedCalls = letta.requests().stream().filter(r -> r.isMessage() && r.status() == 503).count();
            letta.endOutage();
            LOG.info("Drill 5: Letta answered 503 to {} message calls in {} s", failedCalls, OUTAGE.toSeconds());

            try (FireLedger ledger = new FireLedger(burst.fireIds(), punctual.bootstrapServers(), punctual.schemaRegistryUrl())) {
                ledger.awaitEveryFireFinal(Duration.ofMinutes(4));
                Map<Outcome, Long> outcomes = ledger.assertExactlyOneFinalResultEach("drill 5: Letta 503 for 30 s");
                assertThat(outcomes).containsExactly(Map.entry(Outcome.DELIVERED, (long) FIRES));
                ledger.countDuplicateDeliveries("drill 5: Letta 503 for 30 s", letta);
                long retried = burst.fireIds().stream().filter(id -> ledger.finalResult(id).getAttempt() > 1).count();
                LOG.info("Drill 5: {} of {} fires needed more than one attempt", retried, FIRES);
                assertThat(retried).as("fires due during the outage were retried").isGreaterThan(FIRES / 2);
            }

            for (int i = 0; i < paused.size(); i++) {
                String id = paused.get(i);
                JsonNode v1 = JSON.readTree(send(punctual, "GET", "/v1/schedules/" + id, null).body());
                assertThat(v1.get("status").asText()).isEqualTo("paused");
                assertThat(v1.get("paused_note").asText()).startsWith("paused after 2 consecutive failed fires");
                // One attempt per fire, each answered 503: the failures counted are exactly the calls Letta saw (two,
                // or more when a fire came due before the planner had read the second failure).
                long calls = letta.messagesTo("agent-outage-" + i).size();
                assertThat(calls).isGreaterThanOrEqualTo(2);
                assertThat(v1.get("counters").get("failed").asLong()).isEqualTo(calls);
                assertThat(v1.get("counters").get("delivered").asLong()).isZero();

                HttpResponse<String> door2 = send(punctual, "GET", "/schedules/recurring/" + id, null);
                assertThat(door2.statusCode()).as(door2.body()).isEqualTo(200);
                assertThat(JSON.readTree(door2.body()).get("status").asText()).isEqualTo("paused");

                HttpResponse<String> door3 = send(punctual, "GET", "/v1/agents/agent-outage-" + i + "/schedule/" + id, null);
                assertThat(door3.statusCode()).as(door3.body()).isEqualTo(200);
                assertThat(JSON.readTree(door3.body()).get("next_scheduled_time").isNull()).as(door3.body()).isTrue();
            }
            // Paused means no more fires: nothing reached those agents after Letta came back.
            for (int i = 0; i < paused.size(); i++) {
                String agent = "agent-outage-" + i;
                assertThat(letta.messagesTo(agent)).allSatisfy(r -> assertThat(r.status()).isEqualTo(503));
            }
            System.out.printf("[drill 5] %d fires through a %d s Letta outage (%d calls answered 503), done in %d s%n",
                    FIRES, OUTAGE.toSeconds(), failedCalls, (System.nanoTime() - started) / 1_000_000_000);
        }
    }

    private static void awaitHealthy(String baseUrl) {
        await("standalone healthy").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    private static HttpResponse<String> send(Standalone punctual, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(punctual.baseUrl() + path))
                .header("Authorization", "Bearer " + Burst.API_KEY);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
