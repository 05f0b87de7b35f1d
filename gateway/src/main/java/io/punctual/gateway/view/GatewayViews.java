package io.punctual.gateway.view;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.GatewayConfig;
import io.punctual.gateway.command.CommandGateway;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.ScheduleState;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.InfrastructureFactory.TopicsReady;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.kernel.health.ReadinessCheck;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.Topics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Keeps the gateway's views on disk up to date from the topics, resuming from the offsets stored with them, routes
 * command results to waiting writes, and makes every schedule read wait for the {@link ReadBarrier} first.
 */
@Context
@Singleton
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
public class GatewayViews implements ReadinessCheck, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayViews.class);

    private final Path directory;
    private final boolean temporary;
    private final ViewStore store;
    private final ScheduleView schedules;
    private final RunView runs;
    private final TopicTail scheduleTail;
    private final TopicTail resultTail;
    private final TopicTail commandResultTail;
    private final ReadBarrier scheduleBarrier;
    private final Duration barrierTimeout;
    private final Duration sweepInterval;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-run-sweep");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public GatewayViews(KafkaSettings kafka, TopicSerdes serdes, CommandGateway commands, TopicsReady topicsReady, GatewayConfig config) {
        this(kafka, serdes, commands, topicsReady, config.getStateDir(), config.getRuns().getMaxAge(), config.getRuns().getMaxPerSchedule(),
                config.getRuns().getSweepInterval(), config.getReadBarrier().getInterval(), config.getReadBarrier().getTimeout());
    }

    public GatewayViews(KafkaSettings kafka, TopicSerdes serdes, CommandGateway commands, TopicsReady topicsReady,
                        @Nullable String stateDir,
                        Duration runsMaxAge,
                        int runsPerSchedule,
                        Duration sweepInterval,
                        Duration barrierInterval,
                        Duration barrierTimeout) {
        this.temporary = stateDir == null || stateDir.isBlank();
        try {
            // Without a configured directory (tests, a throwaway gateway) the views live in a temporary one.
            this.directory = temporary ? Files.createTempDirectory("punctual-gateway") : Path.of(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.store = new ViewStore(directory);
        this.barrierTimeout = barrierTimeout;
        this.sweepInterval = sweepInterval;
        Deserializer<ExecutionResult> results = serdes.valueSerde(Topics.RESULTS).deserializer();
        Deserializer<CommandResult> commandResults = serdes.valueSerde(Topics.COMMAND_RESULTS).deserializer();
        runs = new RunView(store, Topics.RESULTS.name(), results, runsMaxAge, runsPerSchedule);
        schedules = new ScheduleView(store, Topics.SCHEDULES.name(), serdes.valueSerde(Topics.SCHEDULES).deserializer(),
                new ScheduleHeads(serdes.registry()), deleted -> runs.removeSchedule(deleted.scheduleId(), deleted.tenant()));
        commands.showWritesWith(schedules::watch);
        scheduleTail = new TopicTail(Topics.SCHEDULES.name(), true, store.offsets(Topics.SCHEDULES.name()), kafka.clientProperties(),
                schedules::applyRecords);
        resultTail = new TopicTail(Topics.RESULTS.name(), true, store.offsets(Topics.RESULTS.name()), kafka.clientProperties(),
                runs::applyRecords);
        // Every replica reads every result (a write waits for its own), from the end. Not a micronaut-kafka
        // @KafkaListener, although one could join a group of its own (uniqueGroupId), start at `latest` and commit
        // nothing: the starting position must be fixed before this gateway accepts its first write (TopicTail.start
        // resolves it here, before the HTTP server starts), while a listener gets its partitions only after an
        // asynchronous group join, and `latest` taken then would skip the results of writes made meanwhile (applied,
        // yet answered with a timeout); a result that cannot be decoded for want of the registry is read again here,
        // where a listener skips it or retries a set number of times; readiness waits for this tail to reach the end
        // offsets it found at start; and a group per replica and restart is broker state this reader has no use for.
        commandResultTail = new TopicTail(Topics.COMMAND_RESULTS.name(), false, kafka.clientProperties(), record -> {
            // Keyed by schedule id: a result of another replica's write is skipped before it is decoded.
            if (record.value() != null && (record.key() == null || commands.awaitsResultFor(record.key()))) {
                CommandResult result = commandResults.deserialize(record.topic(), record.value());
                // A write of this replica answers once this replica's view shows its state from punctual.schedules
                // (CommandGateway waits for that), not from this snapshot: see ShownWrites for why.
                commands.onResult(result);
            }
        });
        scheduleBarrier = new ReadBarrier(Topics.SCHEDULES.name(), scheduleTail, kafka.clientProperties(), barrierInterval);
    }

    @PostConstruct
    void start() {
        commandResultTail.start();
        scheduleTail.start();
        resultTail.start();
        sweeper.scheduleWithFixedDelay(this::sweepRuns, sweepInterval.toMillis(), sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        sweeper.execute(() -> {
            try {
                if (awaitCaughtUp(Duration.ofHours(1))) {
                    LOG.info("Gateway views caught up in {} ms, reading {} records of {} (state in {})",
                            (System.nanoTime() - started) / 1_000_000, scheduleTail.recordsRead(), Topics.SCHEDULES.name(), directory);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void sweepRuns() {
        try {
            int removed = runs.sweep(Instant.now());
            if (removed > 0) {
                LOG.info("Removed {} runs past their retention from the gateway's run history", removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("Sweeping the run history failed; the next sweep tries again", e);
        }
    }

    /** Waits until every view has read its topic up to the end offsets found at start. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TopicTail tail : List.of(scheduleTail, resultTail, commandResultTail)) {
            if (!tail.awaitCaughtUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The schedule view, once it shows every schedule write committed before this call, whichever replica made it
     * (read-your-writes across replicas). A 503 problem if the view cannot confirm that in time.
     */
    public ScheduleView schedules() {
        boolean fresh;
        try {
            fresh = scheduleBarrier.await(barrierTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fresh = false;
        }
        if (!fresh) {
            throw new ApiProblem(ProblemType.UNAVAILABLE, "This gateway's view of the schedules could not catch up with "
                    + Topics.SCHEDULES.name() + " within " + barrierTimeout.toMillis() + " ms; retry shortly.");
        }
        return schedules;
    }

    /** The run history (written by executors, not through the gateway, so reads do not wait for a barrier). */
    public RunView runs() {
        return runs;
    }

    /** Records of punctual.schedules read since this gateway started. */
    public long scheduleRecordsRead() {
        return scheduleTail.recordsRead();
    }

    /** The on-disk store, for its size. */
    public ViewStore store() {
        return store;
    }

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public boolean isReady() {
        return scheduleTail.isCaughtUp() && resultTail.isCaughtUp() && commandResultTail.isCaughtUp();
    }

    @PreDestroy
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduleBarrier.close();
        commandResultTail.close();
        scheduleTail.close();
        resultTail.close();
        store.close();
        if (temporary) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.debug("Could not remove the temporary gateway state {}", directory, e);
            }
        }
    }
}
