package io.punctual.executor.config;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Value;
import io.punctual.schemas.config.ConfigKeys;
import jakarta.inject.Singleton;

import java.time.Duration;
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
}
