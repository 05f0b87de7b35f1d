package io.punctual.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.gateway.auth.LettaKeyVerifier;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.testkit.LettaStandIn;
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
import java.util.Arrays;
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
                // One token every 20 s: on a loaded machine the four requests may take seconds, and a faster
                // refill would let the fourth through.
                ConfigKeys.GATEWAY_RATE_LIMIT_PER_SECOND, 0.05, ConfigKeys.GATEWAY_RATE_LIMIT_BURST, 3))) {
            for (int i = 0; i < 3; i++) {
                assertThat(send(side, "GET", "/v1/schedules", KEY_A, null).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> limited = send(side, "GET", "/v1/schedules", KEY_A, null);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 20L));
            assertThat(json(limited).get("type").asText()).isEqualTo("urn:punctual:problem:rate-limited");
            // Another tenant has its own bucket.
            assertThat(send(side, "GET", "/v1/schedules", GatewayHarness.KEY_B, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFloodOfMadeUpKeysCostsAtMostTheBudgetInLettaCallsAndLeavesKnownTenantsAlone() throws Exception {
        // Small caches and a budget of 10 checks of unknown keys (refilled once in 100 s): the flood of 200
        // made-up keys must neither reach Letta 200 times nor push out tenant A's verdict or its bucket.
        try (ApplicationContext side = GatewayHarness.sideGateway(Map.of(
                ConfigKeys.GATEWAY_AUTH_UNKNOWN_PER_SECOND, 0.01, ConfigKeys.GATEWAY_AUTH_UNKNOWN_BURST, 10,
                ConfigKeys.GATEWAY_AUTH_UNKNOWN_PER_ADDRESS_PER_SECOND, 0,
                ConfigKeys.GATEWAY_AUTH_MAX_ACCEPTED, 2, ConfigKeys.GATEWAY_AUTH_MAX_REFUSED, 5,
                ConfigKeys.GATEWAY_RATE_LIMIT_MAX_BUCKETS, 2,
                ConfigKeys.GATEWAY_RATE_LIMIT_PER_SECOND, 0.01, ConfigKeys.GATEWAY_RATE_LIMIT_BURST, 5))) {
            assertThat(send(side, "GET", "/v1/schedules", KEY_A, null).statusCode()).isEqualTo(200);
            assertThat(send(side, "GET", "/v1/schedules", KEY_A, null).statusCode()).isEqualTo(200);
            long checksOfA = lettaChecksOf(KEY_A);

            String prefix = "sk-let-flood-" + UUID.randomUUID() + "-";
            int unauthorized = 0;
            int limited = 0;
            for (int i = 0; i < 200; i++) {
                HttpResponse<String> response = send(side, "GET", "/v1/schedules", prefix + i, null);
                if (response.statusCode() == 401) {
                    unauthorized++;
                } else {
                    assertThat(response.statusCode()).isEqualTo(429);
                    assertThat(json(response).get("type").asText()).isEqualTo("urn:punctual:problem:rate-limited");
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                    limited++;
                }
            }
            long floodChecks = gateway.letta.requests().stream()
                    .filter(r -> r.apiKey() != null && r.apiKey().startsWith(prefix)).count();
            assertThat(floodChecks).as("Letta calls for made-up keys").isLessThanOrEqualTo(10);
            assertThat(unauthorized).isEqualTo((int) floodChecks);
            assertThat(limited).isEqualTo(200 - unauthorized);

            // A's verdict survived (no new Letta call) and so did its bucket: 3 of its 5 tokens are left, not 5.
            for (int i = 0; i < 3; i++) {
                assertThat(send(side, "GET", "/v1/schedules", KEY_A, null).statusCode()).isEqualTo(200);
            }
            assertThat(send(side, "GET", "/v1/schedules", KEY_A, null).statusCode()).isEqualTo(429);
            assertThat(lettaChecksOf(KEY_A)).isEqualTo(checksOfA);
        }
    }

    @Test
    void unknownKeysFromOneAddressHaveTheirOwnBudget() throws Exception {
        try (ApplicationContext side = GatewayHarness.sideGateway(Map.of(
                ConfigKeys.GATEWAY_AUTH_UNKNOWN_PER_ADDRESS_PER_SECOND, 0.01, ConfigKeys.GATEWAY_AUTH_UNKNOWN_PER_ADDRESS_BURST, 3))) {
            assertThat(send(side, "GET", "/v1/schedules", GatewayHarness.KEY_B, null).statusCode()).isEqualTo(200);
            String prefix = "sk-let-address-" + UUID.randomUUID() + "-";
            for (int i = 0; i < 2; i++) {
                assertThat(sendFrom4(side, prefix + i).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> limited = sendFrom4(side, prefix + 2);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(json(limited).get("detail").asText()).contains("your address");
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            // A key already refused is answered from memory, without spending; a known tenant is not held back.
            assertThat(send(side, "GET", "/v1/schedules", prefix + 0, null).statusCode()).isEqualTo(401);
            assertThat(send(side, "GET", "/v1/schedules", GatewayHarness.KEY_B, null).statusCode()).isEqualTo(200);
            // Another address (IPv6 loopback here) has a budget of its own: the client address reaches the budget.
            int port = side.getBean(EmbeddedServer.class).getPort();
            HttpResponse<String> fromIpv6 = HTTP.send(HttpRequest.newBuilder(URI.create("http://[::1]:" + port + "/v1/schedules"))
                    .header("Authorization", "Bearer " + prefix + "v6").timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(fromIpv6.statusCode()).as(fromIpv6.body()).isEqualTo(401);
        }
    }

    @Test
    void newKeysWaitingForASlowLettaHoldNoThreadAndDoNotStallAKnownTenantsCreates() throws Exception {
        try (LettaStandIn slow = new LettaStandIn();
             ApplicationContext side = GatewayHarness.sideGateway(Map.of(ConfigKeys.LETTA_BASE_URL, slow.baseUrl()))) {
            assertThat(send(side, "GET", "/v1/schedules", KEY_A, null).statusCode()).isEqualTo(200); // A is known now
            slow.delayResponses(Duration.ofSeconds(6));
            // More new keys than the create pool has threads: a check that held a thread would leave none for A.
            int newKeys = 4 * Runtime.getRuntime().availableProcessors() + 2;
            String prefix = "sk-let-slow-" + UUID.randomUUID() + "-";
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            for (int i = 0; i < newKeys; i++) {
                held.add(sendAsync(side, "POST", "/v1/schedules", prefix + i, V1SchedulesTest.onceBody("agent-slow-" + i)));
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> slow.requests().size() == newKeys + 1);
            // Every check is at Letta and no thread is waiting for one.
            assertThat(Thread.getAllStackTraces().values()).noneMatch(stack -> Arrays.stream(stack)
                    .anyMatch(frame -> frame.getClassName().equals(LettaKeyVerifier.class.getName()) && frame.getMethodName().equals("isValid")));

            HttpResponse<String> known = send(side, "POST", "/v1/schedules", KEY_A, V1SchedulesTest.onceBody("agent-slow-known"));
            assertThat(known.statusCode()).as(known.body()).isEqualTo(201);
            assertThat(held).as("answered before Letta answered the new keys").noneMatch(CompletableFuture::isDone);

            for (CompletableFuture<HttpResponse<String>> response : held) {
                assertThat(response.get().statusCode()).as(response.get().body()).isEqualTo(201);
            }
        }
    }

    /** A GET of /v1/schedules over IPv4 loopback. */
    private static HttpResponse<String> sendFrom4(ApplicationContext side, String key) throws Exception {
        int port = side.getBean(EmbeddedServer.class).getPort();
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/schedules"))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long lettaChecksOf(String key) {
        return gateway.letta.requests().stream().filter(r -> key.equals(r.apiKey())).count();
    }

    private static HttpResponse<String> send(ApplicationContext side, String method, String path, String key, String body) throws Exception {
        return HTTP.send(request(side, method, path, key, body), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(ApplicationContext side, String method, String path, String key, String body) {
        return HTTP.sendAsync(request(side, method, path, key, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(ApplicationContext side, String method, String path, String key, String body) {
        int port = side.getBean(EmbeddedServer.class).getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return request.build();
    }
}
