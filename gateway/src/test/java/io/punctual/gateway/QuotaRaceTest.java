package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.planner.PlannerService;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quota is the planner's: two gateway instances on one broker race creates for one tenant and together get
 * exactly the limit. On a broker of its own, since the planner of the other gateway tests has the default limit
 * and would answer these commands too.
 */
class QuotaRaceTest {
    private static final int LIMIT = 3;
    private static final String KEY = "sk-let-quota-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaFixture kafka;
    private static LettaStandIn letta;
    private static ApplicationContext planner;
    private static ApplicationContext gatewayOne;
    private static ApplicationContext gatewayTwo;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaFixture.isolated();
        letta = new LettaStandIn().acceptKey(KEY).acceptOnlyKnownKeys();
        String keyset = KeyMaterial.generate().toJson();
        planner = context(keyset, Map.of(
                ConfigKeys.GATEWAY_ENABLED, false,
                ConfigKeys.PLANNER_APPLICATION_ID, "punctual-planner-quota-" + UUID.randomUUID(),
                ConfigKeys.PLANNER_STATE_DIR, Files.createTempDirectory("planner-quota").toString(),
                ConfigKeys.PLANNER_COMMIT_INTERVAL, "20ms",
                ConfigKeys.PLANNER_MAX_SCHEDULES_PER_TENANT, LIMIT));
        gatewayOne = gateway(keyset);
        gatewayTwo = gateway(keyset);
        PlannerService service = planner.getBean(PlannerService.class);
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(service::isReady);
        for (ApplicationContext gateway : List.of(gatewayOne, gatewayTwo)) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> send(gateway, "GET", "/health", null).statusCode() == 200);
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gatewayOne, gatewayTwo, planner, letta}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // Closing the rest matters more.
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void twoGatewaysRacingCreatesGetExactlyTheLimitTogether() throws Exception {
        int perGateway = 6;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2 * perGateway);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * perGateway; i++) {
                ApplicationContext gateway = i % 2 == 0 ? gatewayOne : gatewayTwo;
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                        return send(gateway, "POST", "/v1/schedules", cronBody());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            go.countDown();
            List<HttpResponse<String>> responses = answers.stream().map(CompletableFuture::join).toList();

            List<HttpResponse<String>> created = responses.stream().filter(r -> r.statusCode() == 201).toList();
            List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() == 403).toList();
            assertThat(created).as("created").hasSize(LIMIT);
            assertThat(refused).as("refused").hasSize(2 * perGateway - LIMIT);
            for (HttpResponse<String> r : refused) {
                JsonNode problem = JSON.readTree(r.body());
                assertThat(problem.get("type").asText()).isEqualTo("urn:punctual:problem:quota-exceeded");
                assertThat(problem.at("/errors/0/field").asText()).isEqualTo("max_schedules");
            }

            // A deleted schedule gives its place back, whichever gateway asks next.
            String deleted = JSON.readTree(created.get(0).body()).get("id").asText();
            // The other gateway's view may show the schedule a few milliseconds after the create's answer.
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> send(gatewayTwo, "DELETE", "/v1/schedules/" + deleted, null).statusCode() == 204);
            assertThat(send(gatewayOne, "POST", "/v1/schedules", cronBody()).statusCode()).isEqualTo(201);
            assertThat(send(gatewayTwo, "POST", "/v1/schedules", cronBody()).statusCode()).isEqualTo(403);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String cronBody() {
        return "{\"agent_id\": \"agent-quota\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                + " \"schedule\": {\"type\": \"cron\", \"expression\": \"0 9 * * *\"}}";
    }

    private static ApplicationContext gateway(String keyset) {
        ApplicationContext context = context(keyset, Map.of(
                ConfigKeys.PLANNER_ENABLED, false,
                ConfigKeys.GATEWAY_RATE_LIMIT_PER_SECOND, 1_000_000,
                ConfigKeys.GATEWAY_RATE_LIMIT_BURST, 1_000_000,
                "micronaut.server.port", -1));
        context.getBean(EmbeddedServer.class).start();
        return context;
    }

    private static ApplicationContext context(String keyset, Map<String, Object> settings) {
        Map<String, Object> props = new HashMap<>(Map.of(
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ConfigKeys.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl(),
                ConfigKeys.KEYSET_JSON, keyset,
                ConfigKeys.LETTA_BASE_URL, letta.baseUrl(),
                ConfigKeys.EXECUTOR_ENABLED, false));
        props.putAll(settings);
        return ApplicationContext.builder().deduceEnvironment(false).properties(props).start();
    }

    private static HttpResponse<String> send(ApplicationContext gateway, String method, String path, String body) throws Exception {
        int port = gateway.getBean(EmbeddedServer.class).getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
