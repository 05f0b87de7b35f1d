package io.punctual.planner.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.SchemaRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gauges over one planner instance's stores, read through Kafka Streams' interactive queries (active tasks only, so
 * summing over instances counts each entry once): whether the planner runs, the approximate entries of each store
 * (a RocksDB estimate, free to read), and the schedules by status, counted by a scan of the schedules store on a
 * background thread every {@code censusInterval} (a scan per scrape would cost too much with millions of schedules),
 * reading each state's status alone ({@link ScheduleStatuses}).
 */
public final class PlannerGauges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerGauges.class);

    private final KafkaStreams streams;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<ScheduleStatus, Double> byStatus = new EnumMap<>(ScheduleStatus.class);
    private final ScheduledExecutorService census;
    private final ScheduleStatuses statuses;

    /** @param schemas the registry of the schedules store's values (encoded states, see {@code ScheduleStore}) */
    public PlannerGauges(KafkaStreams streams, MeterRegistry registry, List<String> stores, String schedulesStore,
                         SchemaRegistry schemas, Duration censusInterval) {
        this.streams = streams;
        this.statuses = new ScheduleStatuses(schemas);
        this.registry = registry;
        meters.add(Gauge.builder("punctual.planner.running", streams, s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 while this planner instance processes commands and emits fires").register(registry));
        for (String store : stores) {
            meters.add(Gauge.builder("punctual.planner.store.entries", this, g -> g.approximateEntries(store))
                    .description("Approximate entries of a state store in this instance's active tasks")
                    .tag("store", store).register(registry));
        }
        for (ScheduleStatus status : ScheduleStatus.values()) {
            byStatus.put(status, Double.NaN);
            meters.add(Gauge.builder("punctual.planner.schedules", this, g -> g.count(status))
                    .description("Schedules in this instance's active tasks, by status (counted every census interval)")
                    .tag("status", status.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        if (censusInterval.isZero() || censusInterval.isNegative()) {
            census = null;
        } else {
            census = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "punctual-planner-census");
                t.setDaemon(true);
                return t;
            });
            census.scheduleWithFixedDelay(() -> countSchedules(schedulesStore), censusInterval.toMillis(), censusInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private double approximateEntries(String store) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Double.NaN;
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore())).approximateNumEntries();
        } catch (RuntimeException e) {
            // Tasks migrating: no answer this scrape.
            return Double.NaN;
        }
    }

    private synchronized double count(ScheduleStatus status) {
        return byStatus.get(status);
    }

    void countSchedules(String schedulesStore) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return;
        }
        Map<ScheduleStatus, Double> counted = new EnumMap<>(ScheduleStatus.class);
        for (ScheduleStatus status : ScheduleStatus.values()) {
            counted.put(status, 0.0);
        }
        try {
            ReadOnlyKeyValueStore<String, byte[]> store =
                    streams.store(StoreQueryParameters.fromNameAndType(schedulesStore, QueryableStoreTypes.<String, byte[]>keyValueStore()));
            try (KeyValueIterator<String, byte[]> all = store.all()) {
                while (all.hasNext()) {
                    counted.merge(statuses.of(all.next().value), 1.0, Double::sum);
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Schedule census skipped: {}", e.toString());
            return;
        }
        synchronized (this) {
            byStatus.putAll(counted);
        }
    }

    @Override
    public void close() {
        if (census != null) {
            census.shutdownNow();
        }
        meters.forEach(registry::remove);
    }
}
