package io.punctual.executor.config;

import io.micronaut.context.annotation.Factory;
import io.punctual.kernel.config.SharedConfig;
import jakarta.inject.Singleton;

/** The executor's settings records, built from {@link ExecutorConfig} (where every key and default is). */
@Factory
public class ExecutorSettingsFactory {

    @Singleton
    ExecutorSettings executorSettings(ExecutorConfig config, SharedConfig shared) {
        return config.executorSettings(shared.getLetta().getBaseUrl());
    }

    @Singleton
    DeliverySettings deliverySettings(ExecutorConfig config) {
        return config.deliverySettings();
    }

    @Singleton
    RunSettings runSettings(ExecutorConfig config) {
        return config.runSettings();
    }
}
