package io.punctual.planner;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Factory;
import io.punctual.planner.command.SpecGuard;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.SharedConfig;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.kernel.webhook.WebhookUrlPolicy;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's re-checks of commands (see {@link SpecGuard}), from the same settings the gateway and executor
 * read: the size limits, the webhook URL policy and the keyset. Without a keyset (or with
 * {@code punctual.planner.check-keys=false}) the ciphertext checks are off.
 */
@Factory
public class SpecGuardFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SpecGuardFactory.class);

    @Singleton
    SpecGuard specGuard(SharedConfig shared, PlannerConfig config, WebhookUrlPolicy webhooks, BeanProvider<KeyMaterial> keys,
                        KafkaTopicPolicy kafkaTopics) {
        boolean checkKeys = config.isCheckKeys();
        boolean hasKeys = shared.getKeyset().isConfigured();
        if (!checkKeys) {
            LOG.warn("{}=false: the planner does not check that a command's Letta key belongs to its tenant", ConfigKeys.PLANNER_CHECK_KEYS);
        } else if (!hasKeys) {
            LOG.warn("The planner has no keyset ({} / {}): it cannot check that a command's Letta key belongs to its tenant",
                    ConfigKeys.KEYSET_PATH, ConfigKeys.KEYSET_JSON);
        }
        SharedConfig.ScheduleLimits limits = shared.getScheduleLimits();
        return new SpecGuard(limits.getMaxMessages(), limits.getMaxMessageBytes(), webhooks, checkKeys && hasKeys ? keys.get() : null, kafkaTopics);
    }
}
