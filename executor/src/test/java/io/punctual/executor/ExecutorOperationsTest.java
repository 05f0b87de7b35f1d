package io.punctual.executor;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.punctual.executor.support.Fires;
import io.punctual.executor.support.Groups;
import io.punctual.schemas.DueEvent;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.HeadlessService;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.DueKeys;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.LettaStandIn;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The executor run on its own, as ExecutorApplication runs it: probes and metrics on its management port, and the
 * delivery meters moving when a fire is delivered and when a due record does not decode.
 */
class ExecutorOperationsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void servesProbesAndDeliveryMetricsOnItsManagementPort() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        KeyMaterial keys = KeyMaterial.generate();
        String groupId = kafka.uniqueName("executor-ops");
        Groups.startAtEnd(kafka, groupId, Topics.DUE.name());
        Map<String, Object> props = new HashMap<>();
        try (LettaStandIn letta = new LettaStandIn()) {
            props.put(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            props.put(ConfigKeys.SCHEMA_REGISTRY_URL, kafka.schemaRegistryUrl());
            props.put(ConfigKeys.KEYSET_JSON, keys.toJson());
            props.put(ConfigKeys.LETTA_BASE_URL, letta.baseUrl());
            props.put(ConfigKeys.EXECUTOR_GROUP_ID, groupId);
            props.put(ConfigKeys.EXECUTOR_INSTANCE_ID, "ops-" + UUID.randomUUID());
            props.put(ConfigKeys.MANAGEMENT_PORT, "-1");
            try (ApplicationContext context = HeadlessService.start(ConfigKeys.EXECUTOR_ENABLED, props)) {
                String base = "http://localhost:" + context.getBean(EmbeddedServer.class).getPort();
                assertThat(get(base + "/health/liveness").statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/health/readiness").statusCode() == 200);

                DueEvent fire = new Fires(keys.apiKeyCipher()).fire("agent-" + UUID.randomUUID(), "sk-ops-secret", "hello");
                byte[] value = new TopicSerdes(kafka.schemaRegistryUrl()).valueSerde(Topics.DUE).serializer().serialize(Topics.DUE.name(), fire);
                Map<String, Object> producerProps = kafka.producerProps();
                producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
                producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps)) {
                    String key = DueKeys.of(fire.getTarget(), fire.getScheduleId());
                    producer.send(new ProducerRecord<>(Topics.DUE.name(), key, value));
                    producer.send(new ProducerRecord<>(Topics.DUE.name(), key, "not avro".getBytes()));
                    producer.flush();
                }

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(base + "/prometheus").body())
                        .contains("punctual_executor_deliveries_total{outcome=\"delivered\",target_type=\"letta\"}")
                        .contains("punctual_fire_lag_sent_seconds_count{attempt=\"first\",target_type=\"letta\"}")
                        .contains("punctual_fire_lag_committed_seconds_count{outcome=\"delivered\",target_type=\"letta\"}")
                        .contains("punctual_executor_dead_letters_total{reason=\"undecodable\"}")
                        .contains("punctual_executor_deliveries_in_flight")
                        .contains("punctual_executor_agent_queue_depth_count")
                        .contains("kafka_consumer_fetch_manager_records_lag_max")
                        // Ids and secrets never become labels.
                        .doesNotContain(fire.getScheduleId())
                        .doesNotContain("sk-ops-secret"));
            }
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
