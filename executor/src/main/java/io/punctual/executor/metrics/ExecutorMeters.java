package io.punctual.executor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.punctual.executor.delivery.ExecutionResults;
import io.punctual.executor.runs.AgentGate;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor's meters. Labels are bounded sets (target type, outcome, first attempt or retry, dead-letter reason
 * class), never a fire, schedule, tenant or agent id: per-agent queueing is a distribution, not a label per agent.
 */
public final class ExecutorMeters {
    private static final ExecutorMeters GLOBAL = new ExecutorMeters(Metrics.globalRegistry);
    /** Header a failed fire's dead letter carries, unlike an undecodable record's. */
    private static final String FAILED_FIRE_HEADER = "punctual.dlq.fire.id";

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger waitingForAgent = new AtomicInteger();
    private final Map<String, Timer> sentLag = new ConcurrentHashMap<>();
    private final Map<String, Timer> committedLag = new ConcurrentHashMap<>();
    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
    private final Map<String, Counter> runsEnded = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final DistributionSummary agentQueueDepth;
    private KafkaClientMetrics consumerMetrics;

    ExecutorMeters(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("punctual.executor.deliveries.in.flight", inFlight, AtomicInteger::get)
                .description("Delivery requests sent and not yet answered").register(registry);
        Gauge.builder("punctual.executor.fires.waiting.for.agent", waitingForAgent, AtomicInteger::get)
                .description("Fires queued behind an earlier fire to the same agent").register(registry);
        this.agentQueueDepth = DistributionSummary.builder("punctual.executor.agent.queue.depth")
                .description("Fires ahead of a new fire for the same agent when it is handed over (0: it starts at once)")
                .publishPercentileHistogram().maximumExpectedValue(1000.0).register(registry);
    }

    /** Records into Micrometer's global registry (see {@code GlobalMeters}). */
    public static ExecutorMeters global() {
        return GLOBAL;
    }

    /** A fire was handed over with {@code ahead} fires of its agent before it. */
    public void queuedForAgent(int ahead) {
        agentQueueDepth.record(ahead);
        if (ahead > 0) {
            waitingForAgent.incrementAndGet();
        }
    }

    /** A fire that waited for its agent starts. */
    public void agentWaitOver() {
        waitingForAgent.decrementAndGet();
    }

    /** A delivery request goes out now; returns the hook to call when it is answered. */
    Runnable requestSent(DueEvent fire) {
        String type = ExecutionResults.targetType(fire);
        String attempt = fire.getAttempt() > 1 ? "retry" : "first";
        sentLag.computeIfAbsent(type + "/" + attempt, k -> Timer.builder("punctual.fire.lag.sent")
                        .description("Time from a fire's due time to its delivery request being sent")
                        .tag("target_type", type).tag("attempt", attempt)
                        .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry))
                .record(lagMillis(fire.getScheduledFor().toEpochMilli()), TimeUnit.MILLISECONDS);
        inFlight.incrementAndGet();
        return inFlight::decrementAndGet;
    }

    /** A batch's results and other records were committed in one transaction. */
    public void committed(List<ExecutionResult> results, List<ProducerRecord<byte[], byte[]>> records) {
        for (ExecutionResult result : results) {
            String type = result.getTargetType() == null ? "unknown" : result.getTargetType();
            String outcome = result.getOutcome().name().toLowerCase(Locale.ROOT);
            String key = type + "/" + outcome;
            deliveries.computeIfAbsent(key, k -> Counter.builder("punctual.executor.deliveries")
                    .description("Delivery attempts whose result was committed, by target type and outcome")
                    .tag("target_type", type).tag("outcome", outcome).register(registry)).increment();
            if (result.getOutcome() == Outcome.RETRYING) {
                retries.computeIfAbsent(type, k -> Counter.builder("punctual.executor.retries")
                        .description("Attempts that failed and will be retried").tag("target_type", k).register(registry)).increment();
            }
            committedLag.computeIfAbsent(key, k -> Timer.builder("punctual.fire.lag.committed")
                            .description("Time from a fire's due time to its result being committed")
                            .tag("target_type", type).tag("outcome", outcome)
                            .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry))
                    .record(lagMillis(result.getScheduledFor().toEpochMilli()), TimeUnit.MILLISECONDS);
        }
        for (ProducerRecord<byte[], byte[]> record : records) {
            if (Topics.DLQ.name().equals(record.topic())) {
                String reason = record.headers().lastHeader(FAILED_FIRE_HEADER) != null ? "failed" : "undecodable";
                deadLetters.computeIfAbsent(reason, k -> Counter.builder("punctual.executor.dead.letters")
                        .description("Records written to punctual.dlq: fires failed for good, or due records that do not decode")
                        .tag("reason", k).register(registry)).increment();
            }
        }
    }

    /** Gauges of the per-agent rule: Letta runs being followed, fires waiting for their agent's run. */
    public void bindRuns(AgentGate gate) {
        // Weakly held: the gauges read the gate while its executor lives, and let it go with it.
        Gauge.builder("punctual.executor.runs.followed", gate, AgentGate::followedRuns)
                .description("Letta runs this executor follows until they end").register(registry);
        Gauge.builder("punctual.executor.fires.waiting.for.run", gate, AgentGate::waitingFires)
                .description("Fires waiting for their agent's previous run to end").register(registry);
    }

    /** Followed Letta runs whose end was committed, by Letta's status (or unknown). */
    public void runsEnded(List<ExecutionResult> runEnds) {
        for (ExecutionResult end : runEnds) {
            String status = end.getLettaRunStatus() == null ? "unknown" : end.getLettaRunStatus();
            runsEnded.computeIfAbsent(status, k -> Counter.builder("punctual.executor.runs.ended")
                    .description("Followed Letta runs whose end was recorded, by run status").tag("status", k).register(registry)).increment();
        }
    }

    /**
     * Exposes the consumer's own metrics, among them {@code kafka_consumer_fetch_manager_records_lag_max}: the lag
     * of this executor's partitions of punctual.due. A replaced consumer's meters are released.
     */
    public synchronized void bindConsumer(Consumer<?, ?> consumer) {
        if (consumerMetrics != null) {
            consumerMetrics.close();
        }
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
    }

    private static long lagMillis(long dueAtMs) {
        return Math.max(0, System.currentTimeMillis() - dueAtMs);
    }
}
