package io.punctual.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.schemas.config.ConfigKeys;
import io.punctual.testkit.RecordedRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static io.punctual.gateway.GatewayHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Keys are checked with Letta once per cache period; Letta down is a 503; rate limit per tenant (the quota: {@code QuotaRaceTest}). */
class AuthAndLimitsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.shared();
    }

    @Test
    void aBurstWithANewKeyCostsOneLettaCall() throws Exception {
        String key = "sk-let-burst-" + UUID.randomUUID();
        gateway.letta.acceptKey(key);
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            burst.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(gateway.baseUrl + "/v1/schedules"))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> r : burst) {
            assertThat(r.get().statusCode()).isEqualTo(200);
        }
        List<RecordedRequest> checks = gateway.letta.requests().stream()
                .filter(r -> r.path().startsWith("/v1/agents") && key.equals(r.apiKey())).toList();
        assertThat(checks).hasSize(1);
    }

    @Test
    void anInvalidKeyIsAlsoRemembered() throws Exception {
        String key = "sk-let-bad-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            assertThat(gateway.get("/v1/schedules", key).statusCode()).isEqualTo(401);
        }
        assertThat(gateway.letta.requests().stream().filter(r -> key.equals(r.apiKey())).count()).isEqualTo(1);
    }

    @Test
    void lettaUnreachableIs503NeverAPass() throws Exception {
        try (ApplicationContext side = GatewayHarness.sideGateway(Map.of(ConfigKeys.LETTA_BASE_URL, "http://127.0.0.1:9"))) {
            HttpResponse<String> response = send(side, "GET", "/v1/schedules", KEY_A, null);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(json(response).get("type").asText()).isEqualTo("urn:punctual:problem:unavailable");
            assertThat(response.body()).doesNotContain(KEY_A);
        }
    }

    @Test
    void overTheRateLimitIs429WithRetryAfter() throws Exception {
        try (ApplicationContext side = GatewayHarness.sideGateway(Map.of(
                ConfigKeys.GATEWAY_RATE_LIMIT_PER_SECOND, 0.5, ConfigKeys.GATEWAY_RATE_LIMIT_BURST, 3))) {
            for (int i = 0; i < 3; i++) {
                assertThat(send(side, "GET", "/v1/schedules", KEY_A, null).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> limited = send(side, "GET", "/v1/schedules", KEY_A, null);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
            assertThat(json(limited).get("type").asText()).isEqualTo("urn:punctual:problem:rate-limited");
            // Another tenant has its own bucket.
            assertThat(send(side, "GET", "/v1/schedules", GatewayHarness.KEY_B, null).statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> send(ApplicationContext side, String method, String path, String key, String body) throws Exception {
        int port = side.getBean(EmbeddedServer.class).getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
