package io.punctual.gateway;

import io.micronaut.context.ApplicationContext;
import io.punctual.gateway.secrets.KeysCommand;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.WebhookTarget;
import io.punctual.kernel.webhook.WebhookSignature;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.KafkaFixture;
import io.punctual.testkit.RecordedRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rotate the AEAD keyset, re-encrypt every stored secret through the planner (Letta keys, webhook secrets and
 * headers), retire the old key: everything still decrypts and deliveries, signed webhooks included, still work.
 */
class KeyRotationTest {

    @Test
    void rotateReencryptRetire(@TempDir Path dir) throws Exception {
        GatewayHarness gateway = GatewayHarness.shared();
        String agent = "agent-" + UUID.randomUUID();
        String id = V1SchedulesTest.createOnce(KEY_A, agent);
        KeyMaterial original = gateway.keys;
        HookReceiver hooks = new HookReceiver();
        String secret = "whsec-rotation-" + UUID.randomUUID();
        String token = "hdr-rotation-" + UUID.randomUUID();
        var createdHook = gateway.postJson("/v1/schedules", KEY_A, "{\"target\": {\"type\": \"webhook\", \"url\": \"" + hooks.url("/rotated")
                + "\", \"secret\": \"" + secret + "\", \"headers\": {\"X-Auth\": \"" + token + "\"}, \"body\": {\"n\": 1}},"
                + " \"schedule\": {\"type\": \"interval\", \"every\": \"1h\"}}");
        assertThat(createdHook.statusCode()).as(createdHook.body()).isEqualTo(201);
        String hookId = GatewayHarness.json(createdHook).get("id").asText();

        // The operator's commands on a keysets file.
        Path file = dir.resolve("keyset.json");
        original.write(file);
        assertThat(KeysCommand.run(new String[]{"rotate-keys", file.toString()}, Map.of())).isZero();
        KeyMaterial rotated = KeyMaterial.read(file);
        assertThat(rotated.aeadKeyCount()).isEqualTo(2);
        assertThat(rotated.tenantIds().of(KEY_A)).isEqualTo(original.tenantIds().of(KEY_A));

        // The documented command, against the running system (the shared planner acknowledges its patches).
        assertThat(KeysCommand.run(new String[]{"reencrypt-keys"}, Map.of(
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, KafkaFixture.shared().bootstrapServers(),
                ConfigKeys.SCHEMA_REGISTRY_URL, KafkaFixture.shared().schemaRegistryUrl(),
                ConfigKeys.KEYSET_JSON, rotated.toJson()))).isZero();

        assertThat(KeysCommand.run(new String[]{"retire-keys", file.toString()}, Map.of())).isZero();
        KeyMaterial retired = KeyMaterial.read(file);
        assertThat(retired.aeadKeyCount()).isEqualTo(1);

        // What the executor does before a delivery: decrypt the stored key, now with only the new key.
        GatewayViews views = gateway.context.getBean(GatewayViews.class);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> views.schedules().get(id).map(ScheduleState::getVersion).orElse(0L) >= 2);
        ScheduleState state = views.schedules().get(id).orElseThrow();
        var ciphertext = ((LettaTarget) state.getSpec().getTarget()).getApiKeyCiphertext();
        assertThat(retired.apiKeyCipher().decrypt(ciphertext, id)).isEqualTo(KEY_A);
        assertThatThrownBy(() -> original.apiKeyCipher().decrypt(ciphertext, id)).isInstanceOf(GeneralSecurityException.class);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> views.schedules().get(hookId).map(ScheduleState::getVersion).orElse(0L) >= 2);
        WebhookTarget hook = (WebhookTarget) views.schedules().get(hookId).orElseThrow().getSpec().getTarget();
        assertThat(retired.apiKeyCipher().decrypt(hook.getSecretCiphertext(), hookId)).isEqualTo(secret);
        assertThat(retired.apiKeyCipher().decryptHeaders(hook.getHeadersCiphertext(), hookId)).containsEntry("X-Auth", token);
        assertThatThrownBy(() -> original.apiKeyCipher().decrypt(hook.getSecretCiphertext(), hookId)).isInstanceOf(GeneralSecurityException.class);
        assertThat(KeysCommand.run(new String[]{}, Map.of())).isEqualTo(2);

        // Deliveries still work: a real executor that knows only the retired keyset delivers a trigger of the schedule.
        String group = "punctual-executor-rotation-" + UUID.randomUUID();
        startAtEnd(group);
        try (ApplicationContext executor = ApplicationContext.builder().deduceEnvironment(false).properties(Map.of(
                ConfigKeys.KAFKA_BOOTSTRAP_SERVERS, KafkaFixture.shared().bootstrapServers(),
                ConfigKeys.SCHEMA_REGISTRY_URL, KafkaFixture.shared().schemaRegistryUrl(),
                ConfigKeys.KEYSET_JSON, retired.toJson(),
                ConfigKeys.LETTA_BASE_URL, gateway.letta.baseUrl(),
                ConfigKeys.EXECUTOR_GROUP_ID, group,
                ConfigKeys.WEBHOOK_ALLOW_LOOPBACK, true,
                ConfigKeys.PLANNER_ENABLED, false,
                ConfigKeys.GATEWAY_ENABLED, false)).start()) {
            var triggered = gateway.send("POST", "/v1/schedules/" + id + "/trigger", KEY_A, null, null);
            assertThat(triggered.statusCode()).as(triggered.body()).isEqualTo(200);
            RecordedRequest delivery = gateway.letta.awaitMessages(agent, 1, Duration.ofSeconds(30)).get(0);
            assertThat(delivery.authorization()).isEqualTo("Bearer " + KEY_A);
            assertThat(delivery.status()).isEqualTo(200);

            // The signed webhook, whose secret and headers only the new key decrypts now.
            var triggeredHook = gateway.send("POST", "/v1/schedules/" + hookId + "/trigger", KEY_A, null, null);
            assertThat(triggeredHook.statusCode()).as(triggeredHook.body()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !hooks.received("/rotated").isEmpty());
            HookReceiver.Received request = hooks.received("/rotated").get(0);
            assertThat(request.header("X-Auth")).isEqualTo(token);
            assertThat(WebhookSignature.verify(request.header(WebhookSignature.HEADER), secret, request.header(WebhookSignature.FIRE_ID_HEADER),
                    Integer.parseInt(request.header(WebhookSignature.ATTEMPT_HEADER)), request.body(), Instant.now(), Duration.ofMinutes(5))).isTrue();
        } finally {
            hooks.close();
        }
    }

    /** The new executor group starts at the end of punctual.due, so it delivers this test's trigger and nothing older. */
    private static void startAtEnd(String group) throws Exception {
        Admin admin = KafkaFixture.shared().admin();
        var partitions = admin.describeTopics(List.of(Topics.DUE.name())).allTopicNames().get().get(Topics.DUE.name()).partitions().stream()
                .map(p -> new TopicPartition(Topics.DUE.name(), p.partition())).toList();
        var latest = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get();
        admin.alterConsumerGroupOffsets(group, latest.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())))).all().get();
    }
}
