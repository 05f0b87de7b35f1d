package io.punctual.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class LettaStandInTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGE = """
        {"messages": [{"role": "user", "content": "Good morning! Time for your daily check-in."}],
         "max_steps": 10, "callback_url": "https://example.com/hook"}""";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private LettaStandIn letta;

    @BeforeEach
    void start() {
        letta = new LettaStandIn();
    }

    @AfterEach
    void stop() {
        letta.close();
    }

    @Test
    void keyCheckAcceptsAnyKeyByDefaultAndOnlyKnownKeysWhenAsked() throws Exception {
        HttpResponse<String> anyKey = get("/v1/agents/?limit=1", "whatever");
        assertThat(anyKey.statusCode()).isEqualTo(200);
        assertThat(anyKey.body()).isEqualTo("[]");

        letta.acceptKey("good-key").acceptOnlyKnownKeys();
        assertThat(get("/v1/agents/?limit=1", "good-key").statusCode()).isEqualTo(200);
        assertThat(get("/v1/agents/?limit=1", "bad-key").statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/v1/agents/?limit=1")).GET()).statusCode()).isEqualTo(401);
        assertThat(post("/v1/agents/agent-1/messages/async", "bad-key", MESSAGE).statusCode()).isEqualTo(401);

        RecordedRequest first = letta.requests().get(0);
        assertThat(first.method()).isEqualTo("GET");
        assertThat(first.path()).isEqualTo("/v1/agents/");
        assertThat(first.query()).isEqualTo("limit=1");
        assertThat(first.authorization()).isEqualTo("Bearer whatever");
        assertThat(first.apiKey()).isEqualTo("whatever");
        assertThat(first.status()).isEqualTo(200);
    }

    @Test
    void asyncMessageAnswersARunThatCanBeLookedUp() throws Exception {
        Instant before = Instant.now();
        HttpResponse<String> response = post("/v1/agents/agent-1/messages/async", "key-1", MESSAGE);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode run = JSON.readTree(response.body());
        String runId = run.get("id").asText();
        assertThat(runId).startsWith("run-");
        assertThat(run.get("agent_id").asText()).isEqualTo("agent-1");
        assertThat(run.get("status").asText()).isEqualTo("created");
        assertThat(Instant.parse(run.get("created_at").asText())).isAfterOrEqualTo(before);
        assertThat(run.get("callback_url").asText()).isEqualTo("https://example.com/hook");

        RecordedRequest recorded = letta.messagesTo("agent-1").get(0);
        assertThat(recorded.runId()).isEqualTo(runId);
        assertThat(recorded.authorization()).isEqualTo("Bearer key-1");
        assertThat(recorded.json().get("messages").get(0).get("content").asText()).startsWith("Good morning");
        assertThat(recorded.receivedAt()).isAfterOrEqualTo(before);
        assertThat(letta.runIds()).containsExactly(runId);

        assertThat(runStatus(runId)).isEqualTo("completed");
        letta.runStatus(runId, "running");
        assertThat(runStatus(runId)).isEqualTo("running");
        assertThat(get("/v1/runs/run-unknown", "key-1").statusCode()).isEqualTo(404);
    }

    @Test
    void waitingMessageAnswersTheAssistantReply() throws Exception {
        letta.replyWith("Checked in.");
        HttpResponse<String> response = post("/v1/agents/agent-2/messages", "key", MESSAGE);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("messages").get(0).get("message_type").asText()).isEqualTo("assistant_message");
        assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("Checked in.");
        assertThat(body.get("stop_reason").get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(body.get("usage").isObject()).isTrue();
        assertThat(letta.messagesTo("agent-2")).singleElement().satisfies(r -> assertThat(r.runId()).isNull());
    }

    @Test
    void scriptedAnswersComeFirstThenNormalOnes() throws Exception {
        letta.failNext("agent-3", 500, 500)
            .respondNext("agent-3", StubbedResponse.tooManyRequests(Duration.ofSeconds(2)));

        assertThat(post("/v1/agents/agent-3/messages/async", "k", MESSAGE).statusCode()).isEqualTo(500);
        // Another agent is unaffected by agent-3's script.
        assertThat(post("/v1/agents/agent-4/messages/async", "k", MESSAGE).statusCode()).isEqualTo(200);
        assertThat(post("/v1/agents/agent-3/messages/async", "k", MESSAGE).statusCode()).isEqualTo(500);
        HttpResponse<String> throttled = post("/v1/agents/agent-3/messages/async", "k", MESSAGE);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).contains("2");
        assertThat(post("/v1/agents/agent-3/messages/async", "k", MESSAGE).statusCode()).isEqualTo(200);

        assertThat(letta.messagesTo("agent-3")).extracting(RecordedRequest::status).containsExactly(500, 500, 429, 200);
    }

    @Test
    void delayedAnswersOverlapAndTheOverlapIsCounted() {
        letta.delayResponses("busy-agent", Duration.ofMillis(400));
        List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 3)
            .mapToObj(i -> http.sendAsync(postRequest("/v1/agents/busy-agent/messages/async", "k", MESSAGE),
                HttpResponse.BodyHandlers.ofString()))
            .toList();
        letta.awaitMessages("busy-agent", 3, Duration.ofSeconds(5));
        calls.forEach(call -> assertThat(call.join().statusCode()).isEqualTo(200));

        assertThat(letta.maxConcurrentRequests("busy-agent")).isEqualTo(3);
        assertThat(letta.inFlight("busy-agent")).isZero();
        assertThat(letta.maxConcurrentRequests("never-called")).isZero();
    }

    @Test
    void sequentialCallsNeverOverlap() throws Exception {
        letta.delayResponses(Duration.ofMillis(50));
        for (int i = 0; i < 3; i++) {
            post("/v1/agents/calm-agent/messages/async", "k", MESSAGE);
        }
        assertThat(letta.maxConcurrentRequests("calm-agent")).isEqualTo(1);
    }

    @Test
    void malformedRequestsAndUnknownRoutesAreRefused() throws Exception {
        assertThat(post("/v1/agents/agent-5/messages/async", "k", "{\"nope\": 1}").statusCode()).isEqualTo(422);
        assertThat(post("/v1/agents/agent-5/messages", "k", "not json").statusCode()).isEqualTo(422);
        assertThat(get("/v1/unknown", "k").statusCode()).isEqualTo(404);
        assertThat(letta.requests()).hasSize(3);

        letta.reset();
        assertThat(letta.requests()).isEmpty();
    }

    private String runStatus(String runId) throws Exception {
        HttpResponse<String> response = get("/v1/runs/" + runId, "key-1");
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).get("status").asText();
    }

    private HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key).GET());
    }

    private HttpResponse<String> post(String path, String key, String body) throws IOException, InterruptedException {
        return http.send(postRequest(path, key, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest postRequest(String path, String key, String body) {
        return HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(letta.baseUrl() + path);
    }
}
