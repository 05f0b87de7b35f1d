package io.punctual.planner;

import io.punctual.planner.command.SpecGuard;
import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.planner.quota.QuotaProcessor;
import io.punctual.planner.metrics.ScheduleCensus;
import io.punctual.planner.metrics.MeteredProcessor;
import io.punctual.planner.metrics.PlannerMeters;
import io.punctual.planner.state.ScheduleReload;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.schemas.topic.TopicDef;
import io.punctual.schemas.topic.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The planner's topology: one processor reads the commands and the execution results and owns every store, so a
 * command's state change, its result and its timeline entry are written in one task, in one transaction under
 * exactly-once. Both topics are keyed by schedule id with the same partition count, so the task that owns a
 * schedule's commands also reads its results.
 */
public final class PlannerTopology {
    static final String COMMANDS_SOURCE = "commands-source";
    static final String RESULTS_SOURCE = "results-source";
    static final String ADMITTED_SOURCE = "admitted-source";
    static final String QUOTA_SOURCE = "quota-source";
    static final String PLANNER_PROCESSOR = "planner";
    static final String QUOTA_PROCESSOR = "quota";

    /**
     * Schedule id to {@code ScheduleState}, as its encoded bytes (read it through {@code ScheduleStore}). Not logged:
     * punctual.schedules gets every state in the same transaction and is its log ({@code ScheduleReload}).
     */
    public static final String SCHEDULES_STORE = "schedules";
    /**
     * Time-ordered index of next fires, keyed by {@code TimelineKey}. Not logged: it is rebuilt from the schedules
     * store when the local copy may not match what is committed ({@code LocalCopySession}).
     */
    public static final String TIMELINE_STORE = "timeline";
    /** Durable retry timers, keyed like the timeline by time then {@code fire id#attempt}. */
    static final String RETRIES_STORE = "retries";
    /** Schedule id to the fire id#attempt of the last results applied, so a result read twice counts once. */
    static final String APPLIED_RESULTS_STORE = "applied-results";
    /** Time-ordered index of completed schedules' deletions, keyed like the timeline by time then schedule id; not logged either. */
    static final String PURGES_STORE = "purges";
    /** Facts about the task's stores themselves (which one-time upgrades ran, which session last reloaded the unlogged ones). */
    static final String META_STORE = "planner-meta";
    /** Facts about this instance's copy of the unlogged stores (which session it holds); not logged either. */
    static final String LOCAL_META_STORE = "planner-local-meta";
    /** Tenant to the places its quota granted this task in advance ({@code QuotaCredits}). */
    static final String QUOTA_CREDITS_STORE = "quota-credits";
    /** A busy tenant's creates held while this task's ask for credit is out ({@code HeldCreates}). */
    static final String QUOTA_HELD_STORE = "quota-held";
    /** Tenant to its number of live (active and paused) schedules; the quota processor's, keyed by tenant. */
    static final String TENANT_COUNTS_STORE = "tenant-counts";

    static final String SCHEDULES_SINK = "schedules-sink";
    static final String COMMAND_RESULTS_SINK = "command-results-sink";
    static final String DUE_SINK = "due-sink";
    /** Tombstones for the commands of deleted schedules, so compaction forgets them. */
    static final String COMMANDS_SINK = "commands-sink";
    static final String COMMANDS_DLQ_SINK = "commands-dlq-sink";
    /** Admission requests and count changes, keyed by tenant. */
    static final String QUOTA_SINK = "quota-sink";
    static final String ADMITTED_SINK = "admitted-sink";
    /** The quota processor's refusals, on the command results topic. */
    static final String QUOTA_RESULTS_SINK = "quota-results-sink";

    private PlannerTopology() {
    }

    /**
     * The topology with Kafka targets refused (the deployment default); benchmarks without a broker use it.
     *
     * @param schedulesLog where a task reloads its schedules store from (punctual.schedules)
     */
    public static Topology build(TopicSerdes serdes, PlannerSettings settings, ScheduleReload.Opener schedulesLog) {
        return build(serdes, settings, SpecGuard.none(), LifecycleSettings.defaults(), schedulesLog, new ScheduleCensus(serdes.registry()));
    }

    /**
     * @param guard        the re-checks of commands produced straight to Kafka
     * @param lifecycle    completion retention and the per-tenant quota
     * @param schedulesLog where a task reloads its schedules store from (punctual.schedules)
     * @param census       the instance's schedules by status, each task's part kept by its processor
     */
    static Topology build(TopicSerdes serdes, PlannerSettings settings, SpecGuard guard, LifecycleSettings lifecycle,
                          ScheduleReload.Opener schedulesLog, ScheduleCensus census) {
        Topology topology = new Topology();
        // Values stay bytes so that a record that does not decode reaches the processor, which sets it aside,
        // instead of failing the deserializer and the whole stream thread.
        topology.addSource(COMMANDS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.COMMANDS.name());
        topology.addSource(RESULTS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.RESULTS.name());
        topology.addSource(ADMITTED_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.QUOTA_ADMITTED.name());
        topology.addProcessor(PLANNER_PROCESSOR, () -> new MeteredProcessor<>(new PlannerProcessor(serdes, settings, guard, lifecycle, schedulesLog, census),
                PlannerMeters.global(), DUE_SINK, COMMAND_RESULTS_SINK, COMMANDS_DLQ_SINK), COMMANDS_SOURCE, RESULTS_SOURCE, ADMITTED_SOURCE);
        // Schedule states as the bytes published on punctual.schedules (see ScheduleStore): encoded once, not per write.
        // Not logged: that topic gets each of them in the same transaction, so a changelog was a second copy of it,
        // a record more per create and two more per one-time fire (ScheduleReload reloads the store from the topic).
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SCHEDULES_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(), PLANNER_PROCESSOR);
        // Every entry of the timeline and of the deletions follows from a schedule's state, so neither is logged: a
        // changelog record fewer per create, two fewer per one-time fire, and two changelogs' partitions fewer in
        // the transactions. LocalCopySession says when the local copies may lag what is committed (a crash wipes
        // every store, a task that moved here or back has only the logged ones restored); the processor reloads
        // the schedules and rebuilds the indexes then.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIMELINE_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled(), PLANNER_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LOCAL_META_STORE),
                Serdes.String(), Serdes.String()).withLoggingDisabled(), PLANNER_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RETRIES_STORE),
                Serdes.Bytes(), Serdes.ByteArray()), PLANNER_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(APPLIED_RESULTS_STORE),
                Serdes.String(), Serdes.String()), PLANNER_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PURGES_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled(), PLANNER_PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(META_STORE),
                Serdes.String(), Serdes.String()), PLANNER_PROCESSOR);
        // Cached like the counts: a busy tenant's credit is put once per create, its changelog written once per commit.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUOTA_CREDITS_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled(), PLANNER_PROCESSOR);
        // In memory, bounded by HeldCreates' capacity, and logged: held creates come and go by the thousand per second
        // in a backlog, and in RocksDB their compaction took more CPU than the stream thread saved. Cached: a create
        // held and let go within one commit interval never reaches the changelog.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(QUOTA_HELD_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), PLANNER_PROCESSOR);

        // A second sub-topology, keyed by tenant: the one place a tenant's live schedules are counted.
        topology.addSource(QUOTA_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.QUOTA.name());
        topology.addProcessor(QUOTA_PROCESSOR, () -> new QuotaProcessor(serdes, lifecycle.maxSchedulesPerTenant(),
                TENANT_COUNTS_STORE, ADMITTED_SINK, QUOTA_RESULTS_SINK, settings.commitInterval(), settings.punctuateInterval()), QUOTA_SOURCE);
        // Cached: a burst of one tenant's creates puts its count thousands of times per commit; the cache writes the
        // store and its changelog once per key and commit (flushed before the transaction commits).
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TENANT_COUNTS_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled(), QUOTA_PROCESSOR);

        topology.addSink(SCHEDULES_SINK, Topics.SCHEDULES.name(), serdes.keySerde().serializer(), new ByteArraySerializer(), PLANNER_PROCESSOR);
        addSink(topology, serdes, COMMAND_RESULTS_SINK, Topics.COMMAND_RESULTS);
        addSink(topology, serdes, DUE_SINK, Topics.DUE);
        addSink(topology, serdes, COMMANDS_SINK, Topics.COMMANDS);
        addSink(topology, serdes, COMMANDS_DLQ_SINK, Topics.COMMANDS_DLQ);
        addSink(topology, serdes, QUOTA_SINK, Topics.QUOTA);
        addSink(topology, serdes, ADMITTED_SINK, Topics.QUOTA_ADMITTED, QUOTA_PROCESSOR);
        addSink(topology, serdes, QUOTA_RESULTS_SINK, Topics.COMMAND_RESULTS, QUOTA_PROCESSOR);
        return topology;
    }

    private static <V> void addSink(Topology topology, TopicSerdes serdes, String name, TopicDef<V> topic) {
        addSink(topology, serdes, name, topic, PLANNER_PROCESSOR);
    }

    private static <V> void addSink(Topology topology, TopicSerdes serdes, String name, TopicDef<V> topic, String parent) {
        Serializer<V> values = serdes.valueSerde(topic).serializer();
        topology.addSink(name, topic.name(), serdes.keySerde().serializer(), values, parent);
    }
}
