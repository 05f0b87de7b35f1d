package io.punctual.executor.kafka;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.punctual.executor.config.DeliverySettings;
import io.punctual.executor.config.ExecutorSettings;
import io.punctual.executor.delivery.FinishedFires;
import io.punctual.executor.retry.RetryBackoff;
import io.punctual.executor.retry.RetryPolicyEnforcer;
import io.punctual.executor.delivery.Deliverer;
import io.punctual.executor.delivery.FireDispatcher;
import io.punctual.schemas.config.ConfigKeys;
import io.punctual.schemas.config.InfrastructureFactory.TopicsReady;
import io.punctual.schemas.config.KafkaSettings;
import io.punctual.executor.metrics.ExecutorMeters;
import io.punctual.executor.metrics.MeteredDeliverer;
import io.punctual.schemas.health.ReadinessCheck;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * Runs the {@link DeliveryLoop} on its own thread for as long as the application context lives. Eager, so an
 * executor process starts consuming without anything asking for it.
 */
@Singleton
@Context
@Requires(property = ConfigKeys.EXECUTOR_ENABLED, notEquals = "false")
public class DeliveryService implements ReadinessCheck {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);
    /** Deliveries in flight get this long on stop; commit and close take the rest of the ~10 s. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(7);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final ExecutorSettings settings;
    private final DeliveryLoop loop;
    private volatile Thread thread;

    public DeliveryService(KafkaSettings kafka, TopicSerdes serdes, ExecutorSettings settings, DeliverySettings delivery,
                           Deliverer deliverer, @SuppressWarnings("unused") TopicsReady topicsReady) {
        this.settings = settings;
        this.loop = new DeliveryLoop(
                new ExecutorKafkaClients(kafka, settings, delivery.maxPollRecords()),
                new DueRecordDecoder(serdes.valueSerde(Topics.DUE).deserializer()),
                new FireDispatcher(new MeteredDeliverer(deliverer, ExecutorMeters.global()),
                        new RetryPolicyEnforcer(RetryBackoff.withRandomJitter(delivery.retryBaseDelay(), delivery.retryMaxDelay()), Clock.systemUTC()),
                        settings.maxInFlight()),
                new ResultRecords(serdes),
                SHUTDOWN_GRACE,
                new FinishedFires(delivery.dedupCapacity()),
                delivery.dedupRestoreWindow());
    }

    @PostConstruct
    void start() {
        thread = new Thread(loop, "punctual-executor-" + settings.instanceId());
        // The context owns the loop: a loop stuck beyond the stop timeout (e.g. a broker that never answers) must not keep the JVM up.
        thread.setDaemon(true);
        thread.start();
        LOG.info("Executor {} consuming {} as group {}, at most {} Letta requests in flight",
                settings.instanceId(), Topics.DUE.name(), settings.groupId(), settings.maxInFlight());
    }

    @Override
    public String name() {
        return "executor";
    }

    /** True while the delivery loop consumes and commits; false while it retries after a failure. */
    @Override
    public boolean isReady() {
        return loop.isHealthy();
    }

    /** Alive while the delivery loop's thread runs; it retries Kafka failures itself, so only its end is fatal. */
    @Override
    public boolean isAlive() {
        return thread == null || thread.isAlive();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        loop.stop();
        if (!loop.awaitStopped(STOP_TIMEOUT)) {
            LOG.warn("Executor loop did not stop within {}", STOP_TIMEOUT);
        }
    }
}
