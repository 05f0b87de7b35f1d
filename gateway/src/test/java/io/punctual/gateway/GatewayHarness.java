package io.punctual.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.planner.PlannerService;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.schemas.fire.FireIds;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One gateway for the whole test JVM, with the real planner in the same context (so every command is really
 * acknowledged), on the shared broker and registry, and a Letta stand-in that knows the keys {@link #KEY_A} and
 * {@link #KEY_B} only. Shared because starting Kafka Streams per class would dominate the module's test time.
 */
final class GatewayHarness {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY_A = "sk-let-tenant-a-" + UUID.randomUUID();
    static final String KEY_B = "sk-let-tenant-b-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static GatewayHarness shared;

    final LettaStandIn letta;
    final KeyMaterial keys;
    final ApplicationContext context;
    final String baseUrl;

    private GatewayHarness(Map<String, Object> extra) throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        letta = new LettaStandIn().acceptKey(KEY_A).acceptKey(KEY_B).acceptOnlyKnownKeys();
        keys = KeyMaterial.generate();
        Map<String, Object> props = new HashMap<>(Map.of(
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ConfigKeys.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl(),
                ConfigKeys.KEYSET_JSON, keys.toJson(),
                ConfigKeys.LETTA_BASE_URL, letta.baseUrl(),
                ConfigKeys.PLANNER_APPLICATION_ID, "punctual-planner-gw-" + UUID.randomUUID(),
                ConfigKeys.PLANNER_STATE_DIR, Files.createTempDirectory("planner-gw").toString(),
                ConfigKeys.EXECUTOR_ENABLED, false,
                "micronaut.server.port", -1));
        // Kafka targets are refused unless the operator allows topics; the tests' targets live under these prefixes.
        props.put(ConfigKeys.KAFKA_TARGET_ALLOWED_TOPIC_PREFIXES, "user.,fuzz.");
        // The fuzz and load of the tests would otherwise meet the per-tenant rate limit.
        props.put(ConfigKeys.GATEWAY_RATE_LIMIT_PER_SECOND, 1_000_000);
        props.put(ConfigKeys.GATEWAY_RATE_LIMIT_BURST, 1_000_000);
        // KeyRotationTest's webhook receiver listens on loopback.
        props.put(ConfigKeys.WEBHOOK_ALLOW_LOOPBACK, true);
        // KeyRotationTest rotates the keyset without restarting this shared planner, which would then refuse the
        // re-encrypted ciphertexts; the planner's ciphertext checks are proven by StraightToKafkaChecksTest.
        props.put(ConfigKeys.PLANNER_CHECK_KEYS, false);
        // Every test request comes from one address; tests make up many keys (AuthAndLimitsTest checks the budget).
        props.put(ConfigKeys.GATEWAY_AUTH_UNKNOWN_PER_ADDRESS_PER_SECOND, 1_000_000);
        props.put(ConfigKeys.GATEWAY_AUTH_UNKNOWN_PER_ADDRESS_BURST, 1_000_000);
        props.put(ConfigKeys.GATEWAY_AUTH_UNKNOWN_PER_SECOND, 1_000_000);
        props.put(ConfigKeys.GATEWAY_AUTH_UNKNOWN_BURST, 1_000_000);
        // Each acknowledged write waits for the planner's transaction commit; a short interval keeps the suite fast.
        props.put(ConfigKeys.PLANNER_COMMIT_INTERVAL, "20ms");
        props.putAll(extra);
        context = ApplicationContext.builder().deduceEnvironment(false).properties(props).start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class);
        server.start();
        baseUrl = "http://localhost:" + server.getPort();
        PlannerService planner = context.getBean(PlannerService.class);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(planner::isReady);
    }

    /**
     * Another gateway on the same topics and keys, without a planner (the shared one answers its commands), for
     * settings that differ from the shared gateway's.
     */
    static ApplicationContext sideGateway(Map<String, Object> settings) {
        GatewayHarness main = shared();
        KafkaFixture kafka = KafkaFixture.shared();
        Map<String, Object> props = new HashMap<>(Map.of(
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ConfigKeys.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl(),
                ConfigKeys.KEYSET_JSON, main.keys.toJson(),
                ConfigKeys.LETTA_BASE_URL, main.letta.baseUrl(),
                ConfigKeys.PLANNER_ENABLED, false,
                ConfigKeys.EXECUTOR_ENABLED, false,
                "micronaut.server.port", -1));
        props.put(ConfigKeys.GATEWAY_AUTH_UNKNOWN_PER_ADDRESS_PER_SECOND, 1_000_000);
        props.put(ConfigKeys.GATEWAY_AUTH_UNKNOWN_PER_ADDRESS_BURST, 1_000_000);
        props.put(ConfigKeys.GATEWAY_AUTH_UNKNOWN_PER_SECOND, 1_000_000);
        props.put(ConfigKeys.GATEWAY_AUTH_UNKNOWN_BURST, 1_000_000);
        props.putAll(settings);
        ApplicationContext side = ApplicationContext.builder().deduceEnvironment(false).properties(props).start();
        side.getBean(EmbeddedServer.class).start();
        return side;
    }

    static synchronized GatewayHarness shared() {
        if (shared == null) {
            try {
                shared = new GatewayHarness(Map.of());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            GatewayHarness started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return shared;
    }

    void close() {
        context.close();
        letta.close();
    }

    HttpResponse<String> send(String method, String path, String key, String contentType, String body) throws Exception {
        return send(method, path, key, contentType, body, Map.of());
    }

    HttpResponse<String> send(String method, String path, String key, String contentType, String body, Map<String, String> headers) throws Exception {
        return send(baseUrl, method, path, key, contentType, body, headers);
    }

    /** A request to another gateway instance (a {@link #sideGateway}) at {@code base}. */
    HttpResponse<String> send(String base, String method, String path, String key, String contentType, String body) throws Exception {
        return send(base, method, path, key, contentType, body, Map.of());
    }

    private HttpResponse<String> send(String base, String method, String path, String key, String contentType, String body,
                                      Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String key) throws Exception {
        return send("GET", path, key, null, null);
    }

    HttpResponse<String> postJson(String path, String key, String body) throws Exception {
        return send("POST", path, key, "application/json", body);
    }

    /**
     * Writes the result the executor writes after delivering a fire (the executor is not part of this context);
     * the gateway's views read it from punctual.results like any other.
     */
    void recordDelivery(String scheduleId, String tenant, String agentId, Instant scheduledFor, String runId) throws Exception {
        recordResult(result(scheduleId, tenant, agentId, scheduledFor).setOutcome(Outcome.DELIVERED).setHttpStatus(200)
                .setLettaRunId(runId).build());
    }

    /** A result of one fire of the schedule, as the executor builds it, to complete and {@link #recordResult}. */
    static ExecutionResult.Builder result(String scheduleId, String tenant, String agentId, Instant scheduledFor) {
        return ExecutionResult.newBuilder()
                .setFireId(FireIds.of(scheduleId, scheduledFor))
                .setScheduleId(scheduleId).setTenant(tenant).setAgentId(agentId)
                .setScheduledFor(scheduledFor).setStartedAt(Instant.now()).setFinishedAt(Instant.now()).setAttempt(1);
    }

    /** Writes a result to punctual.results, read by the gateway's views and the planner like the executor's. */
    void recordResult(ExecutionResult result) throws Exception {
        TopicSerdes serdes = context.getBean(TopicSerdes.class);
        Map<String, Object> props = new HashMap<>(context.getBean(KafkaSettings.class).clientProperties());
        try (var producer = new KafkaProducer<>(props, serdes.keySerde().serializer(), serdes.valueSerde(Topics.RESULTS).serializer())) {
            producer.send(new ProducerRecord<>(Topics.RESULTS.name(), result.getScheduleId(), result)).get();
        }
    }

    String tenantOf(String key) {
        return keys.tenantIds().of(key);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
