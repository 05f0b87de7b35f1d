package io.punctual.kernel.metrics;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;

/**
 * Puts this context's Prometheus registry behind Micrometer's global registry, where the planner's processor and
 * the executor's delivery classes record: they are built by Kafka Streams and by the delivery loop, not by the
 * context, and reach their meters through {@link Metrics#globalRegistry}. Without a context (unit tests, bench)
 * the global registry has no registry behind it and records nothing.
 */
@Context
@Requires(beans = PrometheusMeterRegistry.class)
public class GlobalMeters implements AutoCloseable {
    private final PrometheusMeterRegistry registry;

    public GlobalMeters(PrometheusMeterRegistry registry) {
        this.registry = registry;
        Metrics.addRegistry(registry);
    }

    @PreDestroy
    @Override
    public void close() {
        Metrics.removeRegistry(registry);
    }
}
