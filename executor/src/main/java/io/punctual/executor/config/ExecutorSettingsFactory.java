package io.punctual.executor.config;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Value;
import io.punctual.kernel.config.ConfigKeys;
import jakarta.inject.Singleton;

import io.punctual.kernel.webhook.WebhookUrlPolicy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

@Factory
public class ExecutorSettingsFactory {

    @Singleton
    ExecutorSettings executorSettings(
            @Value("${" + ConfigKeys.EXECUTOR_GROUP_ID + ":" + ExecutorSettings.DEFAULT_GROUP_ID + "}") String groupId,
            @Property(name = ConfigKeys.EXECUTOR_INSTANCE_ID) Optional<String> instanceId,
            @Value("${" + ConfigKeys.EXECUTOR_MAX_IN_FLIGHT + ":" + ExecutorSettings.DEFAULT_MAX_IN_FLIGHT + "}") int maxInFlight,
            @Property(name = ConfigKeys.EXECUTOR_REQUEST_TIMEOUT) Optional<Duration> requestTimeout,
            @Value("${" + ConfigKeys.LETTA_BASE_URL + ":`" + ExecutorSettings.DEFAULT_LETTA_BASE_URL + "`}") String lettaBaseUrl) {
        return new ExecutorSettings(
                groupId,
                instanceId.filter(id -> !id.isBlank()).orElseGet(InstanceIds::generate),
                maxInFlight,
                requestTimeout.orElse(ExecutorSettings.DEFAULT_REQUEST_TIMEOUT),
                lettaBaseUrl);
    }

    @Singleton
    DeliverySettings deliverySettings(
            @Value("${" + ConfigKeys.EXECUTOR_MAX_POLL_RECORDS + ":" + DeliverySettings.DEFAULT_MAX_POLL_RECORDS + "}") int maxPollRecords,
            @Property(name = ConfigKeys.EXECUTOR_RETRY_BASE_DELAY) Optional<Duration> retryBaseDelay,
            @Property(name = ConfigKeys.EXECUTOR_RETRY_MAX_DELAY) Optional<Duration> retryMaxDelay,
            @Value("${" + ConfigKeys.EXECUTOR_REPLY_MAX_CHARS + ":" + DeliverySettings.DEFAULT_REPLY_MAX_CHARS + "}") int replyMaxChars,
            @Value("${" + ConfigKeys.EXECUTOR_LETTA_ALLOWED_BASE_URLS + ":}") String allowedBaseUrls,
            @Value("${" + ConfigKeys.EXECUTOR_DEDUP_CAPACITY + ":" + DeliverySettings.DEFAULT_DEDUP_CAPACITY + "}") int dedupCapacity,
            @Property(name = ConfigKeys.EXECUTOR_DEDUP_RESTORE_WINDOW) Optional<Duration> restoreWindow) {
        return new DeliverySettings(maxPollRecords,
                retryBaseDelay.orElse(DeliverySettings.DEFAULT_RETRY_BASE_DELAY),
                retryMaxDelay.orElse(DeliverySettings.DEFAULT_RETRY_MAX_DELAY),
                replyMaxChars,
                List.copyOf(WebhookUrlPolicy.hostList(allowedBaseUrls)),
                dedupCapacity,
                restoreWindow.orElse(DeliverySettings.DEFAULT_DEDUP_RESTORE_WINDOW));
    }

    @Singleton
    RunSettings runSettings(
            @Property(name = ConfigKeys.EXECUTOR_RUNS_POLL_INITIAL) Optional<Duration> pollInitial,
            @Property(name = ConfigKeys.EXECUTOR_RUNS_POLL_MAX) Optional<Duration> pollMax,
            @Property(name = ConfigKeys.EXECUTOR_RUNS_FOLLOW_LIMIT) Optional<Duration> followLimit,
            @Value("${" + ConfigKeys.EXECUTOR_RUNS_MAX_LOOKUPS_IN_FLIGHT + ":" + RunSettings.DEFAULT_MAX_LOOKUPS_IN_FLIGHT + "}") int maxLookups,
            @Property(name = ConfigKeys.EXECUTOR_RUNS_MAX_WAIT) Optional<Duration> maxWait) {
        return new RunSettings(pollInitial.orElse(RunSettings.DEFAULT_POLL_INITIAL), pollMax.orElse(RunSettings.DEFAULT_POLL_MAX),
                followLimit.orElse(RunSettings.DEFAULT_FOLLOW_LIMIT), maxLookups, maxWait.orElse(RunSettings.DEFAULT_MAX_WAIT));
    }

    @Singleton
    WebhookUrlPolicy webhookUrlPolicy(
            @Value("${" + ConfigKeys.WEBHOOK_ALLOW_LOOPBACK + ":false}") boolean allowLoopback,
            @Value("${" + ConfigKeys.WEBHOOK_ALLOW_PRIVATE + ":false}") boolean allowPrivate,
            @Value("${" + ConfigKeys.WEBHOOK_ALLOWED_HOSTS + ":}") String allowedHosts,
            @Value("${" + ConfigKeys.WEBHOOK_DENIED_HOSTS + ":}") String deniedHosts) {
        return new WebhookUrlPolicy(allowLoopback, allowPrivate, WebhookUrlPolicy.hostList(allowedHosts), WebhookUrlPolicy.hostList(deniedHosts));
    }
}
