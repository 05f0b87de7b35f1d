package io.punctual.planner;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Value;
import io.punctual.planner.command.SpecGuard;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.kernel.webhook.WebhookUrlPolicy;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The planner's re-checks of commands (see {@link SpecGuard}), from the same settings the gateway and executor
 * read: the size limits, the webhook URL policy and the keyset. Without a keyset (or with
 * {@code punctual.planner.check-keys=false}) the ciphertext checks are off.
 */
@Factory
public class SpecGuardFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SpecGuardFactory.class);

    @Singleton
    SpecGuard specGuard(@Value("${" + ConfigKeys.GATEWAY_MAX_MESSAGES + ":100}") int maxMessages,
                        @Value("${" + ConfigKeys.GATEWAY_MAX_MESSAGE_BYTES + ":65536}") int maxMessageBytes,
                        @Value("${" + ConfigKeys.WEBHOOK_ALLOW_LOOPBACK + ":false}") boolean allowLoopback,
                        @Value("${" + ConfigKeys.WEBHOOK_ALLOW_PRIVATE + ":false}") boolean allowPrivate,
                        @Value("${" + ConfigKeys.WEBHOOK_ALLOWED_HOSTS + ":}") String allowedHosts,
                        @Value("${" + ConfigKeys.WEBHOOK_DENIED_HOSTS + ":}") String deniedHosts,
                        @Value("${" + ConfigKeys.PLANNER_CHECK_KEYS + ":true}") boolean checkKeys,
                        @Property(name = ConfigKeys.KEYSET_JSON) Optional<String> keysetJson,
                        @Property(name = ConfigKeys.KEYSET_PATH) Optional<String> keysetPath,
                        BeanProvider<KeyMaterial> keys,
                        KafkaTopicPolicy kafkaTopics) {
        boolean hasKeys = keysetJson.filter(s -> !s.isBlank()).isPresent() || keysetPath.filter(s -> !s.isBlank()).isPresent();
        if (!checkKeys) {
            LOG.warn("{}=false: the planner does not check that a command's Letta key belongs to its tenant", ConfigKeys.PLANNER_CHECK_KEYS);
        } else if (!hasKeys) {
            LOG.warn("The planner has no keyset ({} / {}): it cannot check that a command's Letta key belongs to its tenant",
                    ConfigKeys.KEYSET_PATH, ConfigKeys.KEYSET_JSON);
        }
        WebhookUrlPolicy policy = new WebhookUrlPolicy(allowLoopback, allowPrivate,
                WebhookUrlPolicy.hostList(allowedHosts), WebhookUrlPolicy.hostList(deniedHosts));
        return new SpecGuard(maxMessages, maxMessageBytes, policy, checkKeys && hasKeys ? keys.get() : null, kafkaTopics);
    }
}
