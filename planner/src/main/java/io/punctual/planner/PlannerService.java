package io.punctual.planner;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.punctual.planner.command.SpecGuard;
import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.planner.metrics.PlannerGauges;
import io.punctual.planner.metrics.ScheduleCensus;
import io.punctual.planner.metrics.PlannerMeters;
import io.punctual.planner.state.RocksDbMemory;
import io.punctual.planner.state.ScheduleReload;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.InfrastructureFactory;
import io.punctual.kernel.config.KafkaSettings;
import io.punctual.kernel.health.ReadinessCheck;
import io.punctual.schemas.serde.SchemaRegistryException;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.TopicDurability;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Runs the planner's Kafka Streams application for as long as the application context lives. Plain Kafka Streams,
 * not micronaut-kafka-streams: this service owns the topology's lifecycle (the registry-outage backoff of its
 * uncaught-exception handler, the RocksDB memory bound, readiness, the replication of internal topics decided at
 * start). Its client properties come from the same {@code kafka.*} surface as every other client ({@link KafkaSettings}).
 */
@Singleton
@Context
@Requires(property = ConfigKeys.PLANNER_ENABLED, notEquals = "false")
public class PlannerService implements ReadinessCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    static final int SESSION_TIMEOUT_MS = 10_000;
    /** The planner producer's batch size, unless {@code kafka.*} sets one. */
    static final int BATCH_SIZE = 256 * 1024;

    private final KafkaSettings kafka;
    private final TopicSerdes serdes;
    private final PlannerSettings settings;
    private final SpecGuard guard;
    private final TopicDurability durability;
    private final LifecycleSettings lifecycle;
    private volatile KafkaStreams streams;
    /** Kafka Streams' own commit interval, unless the planner's is longer: what an idle stream thread commits at (see streamsProperties). */
    static final Duration IDLE_COMMIT_INTERVAL = Duration.ofSeconds(1);
    private RocksDbMemory rocksDbMemory = RocksDbMemory.DEFAULTS;
    private PlannerGauges gauges;

    /**
     * The bean constructor, from {@link PlannerConfig}. {@code topicsReady} is injected so the topics exist before the
     * streams start.
     */
    @Inject
    public PlannerService(KafkaSettings kafka,
                          TopicSerdes serdes,
                          InfrastructureFactory.TopicsReady topicsReady,
                          PlannerConfig config,
                          SpecGuard guard) {
        this(kafka, serdes, config.settings(), topicsReady.durability(), guard, config.lifecycle());
        boundRocksDbMemory(config.getRocksdb().bound());
    }

    /**
     * For callers that build the settings themselves on a single broker; they must make sure the topics exist first.
     * Only the structural checks of commands, and Kafka targets refused (the deployment default).
     */
    public PlannerService(KafkaSettings kafka, TopicSerdes serdes, PlannerSettings settings) {
        this(kafka, serdes, settings, TopicDurability.SINGLE_BROKER, SpecGuard.none(), LifecycleSettings.defaults());
    }

    /** On a single broker, with the given checks of commands. */
    public PlannerService(KafkaSettings kafka, TopicSerdes serdes, PlannerSettings settings, SpecGuard guard) {
        this(kafka, serdes, settings, TopicDurability.SINGLE_BROKER, guard, LifecycleSettings.defaults());
    }

    /** With the given replication of internal topics and only the structural checks of commands. */
    public PlannerService(KafkaSettings kafka, TopicSerdes serdes, PlannerSettings settings, TopicDurability durability) {
        this(kafka, serdes, settings, durability, SpecGuard.none(), LifecycleSettings.defaults());
    }

    /** On a single broker with only the structural checks, and the given completion retention and quota. */
    public PlannerService(KafkaSettings kafka, TopicSerdes serdes, PlannerSettings settings, LifecycleSettings lifecycle) {
        this(kafka, serdes, settings, TopicDurability.SINGLE_BROKER, SpecGuard.none(), lifecycle);
    }

    /**
     * @param durability replication of the Kafka Streams internal topics (changelogs and repartition topics)
     * @param guard      the re-checks of commands produced straight to Kafka (sizes, URLs, keys, Kafka topics)
     * @param lifecycle  completion retention and the per-tenant quota
     */
    public PlannerService(KafkaSettings kafka, TopicSerdes serdes, PlannerSettings settings, TopicDurability durability, SpecGuard guard,
                          LifecycleSettings lifecycle) {
        this.kafka = kafka;
        this.serdes = serdes;
        this.settings = settings;
        this.durability = durability;
        this.guard = guard;
        this.lifecycle = lifecycle;
    }

    /** The off-heap bound of the RocksDB stores; set before {@link #start()}. */
    void boundRocksDbMemory(RocksDbMemory bound) {
        this.rocksDbMemory = bound;
    }

    @PostConstruct
    public synchronized void start() {
        if (streams != null) {
            return;
        }
        ScheduleCensus census = new ScheduleCensus(serdes.registry());
        KafkaStreams created = new KafkaStreams(PlannerTopology.build(serdes, settings, guard, lifecycle, ScheduleReload.FROM_KAFKA, census), streamsProperties());
        RegistryOutageBackoff outage = new RegistryOutageBackoff();
        created.setUncaughtExceptionHandler(e -> {
            if (SchemaRegistryException.isUnavailable(e)) {
                // Not a bad record: the registry is down. The replaced thread reads the record again; waiting here
                // first keeps it from spinning through restarts while the outage lasts.
                Duration pause = outage.next();
                LOG.warn("Planner paused {} ms: the schema registry is unavailable ({}); the record will be read again", pause.toMillis(), e.toString());
                outage.sleep(pause);
            } else {
                outage.reset();
                LOG.error("Planner stream thread failed; replacing it", e);
            }
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        created.setStateListener((to, from) -> LOG.info("Planner {} -> {}", from, to));
        created.start();
        streams = created;
        gauges = new PlannerGauges(created, PlannerMeters.global().registry(), List.of(PlannerTopology.SCHEDULES_STORE,
                PlannerTopology.TIMELINE_STORE, PlannerTopology.RETRIES_STORE, PlannerTopology.APPLIED_RESULTS_STORE),
                census);
        LOG.info("Planner started: application {} on {}, state in {}", settings.applicationId(), kafka.bootstrapServers(), settings.stateDir());
    }

    @PreDestroy
    public synchronized void stop() {
        if (streams == null) {
            return;
        }
        gauges.close();
        if (!streams.close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT).leaveGroup(true))) {
            LOG.warn("Planner did not stop within {}", CLOSE_TIMEOUT);
        }
        streams = null;
    }

    @Override
    public String name() {
        return "planner";
    }

    /** True while the planner processes commands and emits fires. */
    @Override
    public boolean isReady() {
        return state() == KafkaStreams.State.RUNNING;
    }

    /** Alive unless Kafka Streams gave up (ERROR): then only a restart helps. Rebalancing or a Kafka outage is not death. */
    @Override
    public boolean isAlive() {
        KafkaStreams.State state = state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR;
    }

    /** Commits of this instance's stream threads so far (Kafka Streams' {@code commit-total}); 0 when not running. */
    long commits() {
        KafkaStreams current = streams;
        if (current == null) {
            return 0;
        }
        return current.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("commit-total") && e.getKey().group().equals("stream-thread-metrics"))
                .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
                .sum();
    }

    /** The Kafka Streams state, or NOT_RUNNING before start and after stop. */
    KafkaStreams.State state() {
        KafkaStreams current = streams;
        return current == null ? KafkaStreams.State.NOT_RUNNING : current.state();
    }

    PlannerSettings settings() {
        return settings;
    }

    Properties streamsProperties() {
        Properties props = new Properties();
        for (Map.Entry<String, Object> e : kafka.clientProperties().entrySet()) {
            props.put(e.getKey(), e.getValue());
        }
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        // Kafka Streams marks a task as needing a commit after every wall-clock punctuation, so at its own interval an
        // idle planner committed a transaction of offsets alone per stream thread (20 a second with two threads and
        // 100 ms). The planner asks for its commits itself while it works (CommandCommits: within the commit
        // interval, sooner for what a writer or the executor waits for); Kafka Streams' interval is what an idle
        // thread commits at.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Math.max(settings.commitInterval().toMillis(), IDLE_COMMIT_INTERVAL.toMillis()));
        // Wall-clock punctuations run only between polls, and an idle stream thread blocks in poll for poll.ms
        // (Kafka Streams' 100 ms). A command's pending ask for a commit (CommandCommits) then waited for it: eight
        // creates in flight, each waiting for its answer, sent nothing new, and were answered after p50 114 ms
        // instead of 45 ms. Polls no longer than the punctuation interval keep the scan and those asks on time;
        // kafka.poll.ms still overrides it.
        props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, settings.punctuateInterval().toMillis());
        // The planner's inputs (commands, execution results, quota admissions) are independent: no record waits for
        // another topic's. With Kafka Streams' default (0) a task holds back its buffered commands until it knows an
        // empty input partition's lag, which after a burst or a restart left tasks idle for 40-60 s (the drills).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // Kafka 4.1 brokers with transactions v2 refuse (retriably, but logged at ERROR by the broker's ReplicaManager:
        // "OutOfOrderSequenceException ... Expected sequence 0 for transactions v2 idempotent producer with no
        // existing state", KAFKA-18202) a batch with a non-zero sequence for a partition the producer has not
        // written yet. Pipelined requests produce exactly that when the first one fails retriably (a partition just
        // created by Kafka Streams, a transaction coordinator loading: KAFKA-15591) and the second one arrives first.
        // One request in flight per connection keeps the batches of a partition in order; the cost is one round
        // trip at a time per broker for the planner's producer.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        // A commit flushes every state, result and changelog record of its interval (about 1 KB each); in Kafka's
        // 16 KB batches that is many batches per partition, sent one request at a time (above), each costing the
        // broker a request and a validation. With larger batches the broker's CPU per applied create about halved
        // and the producer thread's fell by two thirds (Headline's planner row); kafka.producer.batch.size (or
        // kafka.batch.size) still overrides it.
        if (!props.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)) {
            props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), BATCH_SIZE);
        }
        // See KafkaSettings.TRANSACTIONAL_RETRY_BACKOFF_MS: a commit right after the last one waited Kafka's 100 ms.
        if (!props.containsKey(ProducerConfig.RETRY_BACKOFF_MS_CONFIG)) {
            props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), KafkaSettings.TRANSACTIONAL_RETRY_BACKOFF_MS);
        }
        // The changelogs are the planner's state: they must survive a broker's loss like the topics Punctual creates.
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) durability.replicationFactor());
        props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), Integer.toString(durability.minInsyncReplicas()));
        // Kafka Streams keeps a closed member in the group until its session times out (45 s), which would hold a
        // restarted planner's tasks back that long; a clean close leaves the group instead.
        props.put(StreamsConfig.mainConsumerPrefix("internal.leave.group.on.close"), true);
        // A crashed planner's tasks move on after the session timeout: Kafka's 45 s left half of the schedules
        // without a planner for 45 s in the scale-out drill (no fire, no command applied). 10 s, as the executor;
        // kafka.session.timeout.ms still overrides it.
        if (!props.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
            props.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
        }
        props.putAll(rocksDbMemory.streamsProperties());
        return props;
    }
}
