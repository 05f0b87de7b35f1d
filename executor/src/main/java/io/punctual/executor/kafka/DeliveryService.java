package io.punctual.executor.kafka;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.punctual.executor.config.DeliverySettings;
import io.punctual.executor.config.ExecutorConfig;
import io.punctual.executor.config.ExecutorSettings;
import io.punctual.executor.config.RunSettings;
import io.punctual.executor.letta.LettaDeliverer;
import io.punctual.executor.runs.AgentGate;
import io.punctual.executor.runs.RunEndResults;
import io.punctual.executor.runs.RunFollower;
import io.punctual.executor.delivery.FinishedFires;
import io.punctual.executor.retry.RetryBackoff;
import io.punctual.executor.retry.RetryPolicyEnforcer;
import io.punctual.executor.delivery.Deliverer;
import io.punctual.executor.delivery.FireDispatcher;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.InfrastructureFactory.TopicsReady;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.executor.metrics.ExecutorMeters;
import io.punctual.executor.metrics.MeteredDeliverer;
import io.punctual.kernel.health.ReadinessCheck;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the {@link DeliveryLoop} on its own thread for as long as the application context lives. Eager, so an
 * executor process starts consuming without anything asking for it.
 */
@Singleton
@Context
@Requires(property = ConfigKeys.EXECUTOR_ENABLED, notEquals = "false")
public class DeliveryService implements ReadinessCheck, ApplicationEventListener<ShutdownEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);
    /** What a stop needs besides the deliveries: the last commit and closing the clients. */
    private static final Duration COMMIT_AND_CLOSE = Duration.ofSeconds(8);
    /** A rebalance never waits for deliveries longer than this share of max.poll.interval.ms. */
    private static final int REVOCATION_SHARE_OF_POLL_INTERVAL = 2;

    private final ExecutorSettings settings;
    private final DeliveryLoop loop;
    private final RunFollower follower;
    private final DeletedSchedules deleted;
    private volatile Thread thread;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private final Duration stopTimeout;

    public DeliveryService(KafkaSettings kafka, TopicSerdes serdes, ExecutorSettings settings, DeliverySettings delivery,
                           Deliverer deliverer, LettaDeliverer letta, RunSettings runs, KafkaTargetDeliverer kafkaTargets,
                           @SuppressWarnings("unused") TopicsReady topicsReady,
                           ExecutorConfig config,
                           Clock clock) {
        this.settings = settings;
        boolean staticMembership = config.isStaticMembership();
        if (staticMembership && config.configuredInstanceId().isEmpty()) {
            throw new IllegalStateException(ConfigKeys.EXECUTOR_STATIC_MEMBERSHIP + " needs a stable " + ConfigKeys.EXECUTOR_INSTANCE_ID
                    + " per instance (a StatefulSet pod name): a generated one would leave a ghost member per restart");
        }
        ExecutorKafkaClients clients = new ExecutorKafkaClients(kafka, settings, delivery.maxPollRecords(),
                staticMembership ? Optional.of(settings.instanceId()) : Optional.empty());
        Duration grace = shutdownGrace(settings.requestTimeout());
        this.stopTimeout = grace.plus(COMMIT_AND_CLOSE);
        RetryPolicyEnforcer retries = new RetryPolicyEnforcer(RetryBackoff.withRandomJitter(delivery.retryBaseDelay(), delivery.retryMaxDelay()), clock);
        this.follower = new RunFollower(letta::lookUpRun, runs, clock);
        AgentGate gate = new AgentGate(follower, new RunEndResults(retries), runs.maxWait(), clock);
        ExecutorMeters.global().bindRuns(gate);
        this.deleted = new DeletedSchedules(clients::committedReader, serdes.registry(),
                delivery.dedupRestoreWindow(), delivery.dedupCapacity(), clock);
        this.loop = new DeliveryLoop(
                clients,
                new DueRecordDecoder(serdes.valueSerde(Topics.DUE).deserializer()),
                new FireDispatcher(new MeteredDeliverer(deliverer, ExecutorMeters.global()), retries, settings.maxInFlight(),
                        fire -> BatchIntake.isDeleted(deleted, fire)),
                new ResultRecords(serdes),
                grace,
                revocationWait(settings.requestTimeout(), clients.maxPollInterval()),
                new FinishedFires(delivery.dedupCapacity()),
                delivery.dedupRestoreWindow(),
                gate,
                new AgentRunRecords(serdes),
                deleted,
                kafkaTargets);
    }

    /**
     * Deliveries in flight on stop get longer than one request may take, so a stop never cuts a delivery short
     * that was about to be answered (its fire would be delivered again by the partition's next owner).
     */
    static Duration shutdownGrace(Duration requestTimeout) {
        return requestTimeout.plusSeconds(2);
    }

    /** As long as one request may take, but at most half of max.poll.interval.ms (the group's rebalance timeout). */
    static Duration revocationWait(Duration requestTimeout, Duration maxPollInterval) {
        Duration cap = maxPollInterval.dividedBy(REVOCATION_SHARE_OF_POLL_INTERVAL);
        Duration wanted = requestTimeout.plusSeconds(2);
        return wanted.compareTo(cap) < 0 ? wanted : cap;
    }

    @PostConstruct
    void start() {
        thread = new Thread(loop, "punctual-executor-" + settings.instanceId());
        // The context owns the loop: a loop stuck beyond the stop timeout (e.g. a broker that never answers) must not keep the JVM up.
        thread.setDaemon(true);
        thread.start();
        Thread deletes = new Thread(deleted, "punctual-deleted-schedules-" + settings.instanceId());
        deletes.setDaemon(true);
        deletes.start();
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

    /**
     * Drains the loop when the context starts to stop, before it destroys any bean: the deliveries in flight and
     * those queued behind their agent need the HTTP clients, which the context may destroy before this bean (the
     * scale-out drill: on SIGTERM every queued fire failed with "The client is closed" and was retried later).
     */
    @Override
    public void onApplicationEvent(ShutdownEvent event) {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        if (!stopping.compareAndSet(false, true)) {
            return; // stopped on the shutdown event already
        }
        loop.stop();
        if (!loop.awaitStopped(stopTimeout)) {
            LOG.warn("Executor loop did not stop within {}", stopTimeout);
        }
        follower.close();
        deleted.close();
    }
}
