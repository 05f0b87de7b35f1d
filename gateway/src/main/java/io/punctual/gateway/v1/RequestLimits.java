package io.punctual.gateway.v1;

import io.punctual.kernel.config.SharedConfig;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import io.punctual.kernel.webhook.WebhookUrlPolicy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The configurable bounds of what one schedule may carry, and which webhook URLs and Kafka topics are allowed. */
@Singleton
public record RequestLimits(int maxMessageBytes, int maxMessages, WebhookUrlPolicy webhookPolicy, KafkaTopicPolicy kafkaTopics) {

    @Inject
    public RequestLimits(SharedConfig config, WebhookUrlPolicy webhookPolicy, KafkaTopicPolicy kafkaTopics) {
        this(config.getScheduleLimits().getMaxMessageBytes(), config.getScheduleLimits().getMaxMessages(), webhookPolicy, kafkaTopics);
    }
}
