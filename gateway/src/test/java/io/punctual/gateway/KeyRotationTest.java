package io.punctual.gateway;

import io.punctual.gateway.secrets.KeysCommand;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.config.ConfigKeys;
import io.punctual.schemas.secrets.KeyMaterial;
import io.punctual.testkit.KafkaFixture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.punctual.gateway.GatewayHarness.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rotate the AEAD keyset, re-encrypt every stored key through the planner, retire the old key: keys still decrypt. */
class KeyRotationTest {

    @Test
    void rotateReencryptRetire(@TempDir Path dir) throws Exception {
        GatewayHarness gateway = GatewayHarness.shared();
        String id = V1SchedulesTest.createOnce(KEY_A, "agent-" + UUID.randomUUID());
        KeyMaterial original = gateway.keys;

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
        assertThat(KeysCommand.run(new String[]{}, Map.of())).isEqualTo(2);
    }
}
