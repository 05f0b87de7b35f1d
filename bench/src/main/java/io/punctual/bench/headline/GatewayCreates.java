package io.punctual.bench.headline;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Creates through {@code POST /v1/schedules}, each answered 201 only once the planner applied it, from Micronaut's
 * Netty client keeping {@code concurrency} requests in flight (the gateway's limits are turned off by the caller).
 */
final class GatewayCreates {
    private GatewayCreates() {
    }

    /**
     * Creates from one client and one tenant, {@code warmSeconds} and then {@code seconds} measured, without a pause
     * between them (see {@link BenchHttp#closedLoop(HttpClient, int, int, Step, int, IntFunction, int)}).
     */
    static BenchHttp.LoopResult run(StandaloneChild child, int concurrency, int warmSeconds, Step atMeasureStart,
                                    int seconds) throws Exception {
        String key = "sk-let-bench-" + UUID.randomUUID();
        String at = Instant.now().plusSeconds(86_400).toString();
        try (HttpClient client = BenchHttp.client(child.baseUrl(), concurrency)) {
            IntFunction<HttpRequest<byte[]>> create = i -> HttpRequest.POST("/v1/schedules",
                            ("{\"agent_id\":\"agent-create-" + (i % 1000) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"tick\"}],"
                                    + "\"schedule\":{\"type\":\"once\",\"at\":\"" + at + "\"}}").getBytes(StandardCharsets.UTF_8))
                    .contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth(key);
            return BenchHttp.closedLoop(client, concurrency, warmSeconds, atMeasureStart, seconds, create, 201);
        }
    }
}
