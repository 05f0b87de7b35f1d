package io.punctual.gateway.v1;

import io.micronaut.context.annotation.Value;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import io.punctual.kernel.webhook.WebhookUrlPolicy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The configurable bounds of what one schedule may carry, and which webhook URLs and Kafka topics are allowed. */
@Singleton
public record RequestLimits(int maxMessageBytes, int maxMessages, WebhookUrlPolicy webhookPolicy, KafkaTopicPolicy kafkaTopics) {

    @Inject
    public RequestLimits(@Value("${" + ConfigKeys.GATEWAY_MAX_MESSAGE_BYTES + ":65536}") int maxMessageBytes,
                         @Value("${" + ConfigKeys.GATEWAY_MAX_MESSAGES + ":100}") int maxMessages,
                         @Value("${" + ConfigKeys.WEBHOOK_ALLOW_LOOPBACK + ":false}") boolean allowLoopback,
                         @Value("${" + ConfigKeys.WEBHOOK_ALLOW_PRIVATE + ":false}") boolean allowPrivate,
                         @Value("${" + ConfigKeys.WEBHOOK_ALLOWED_HOSTS + ":}") String allowedHosts,
                         @Value("${" + ConfigKeys.WEBHOOK_DENIED_HOSTS + ":}") String deniedHosts,
                         KafkaTopicPolicy kafkaTopics) {
        this(maxMessageBytes, maxMessages, new WebhookUrlPolicy(allowLoopback, allowPrivate,
                WebhookUrlPolicy.hostList(allowedHosts), WebhookUrlPolicy.hostList(deniedHosts)), kafkaTopics);
    }
}
