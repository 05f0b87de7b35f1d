package io.punctual.planner.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gauges over one planner instance's stores (active tasks only, so summing over instances counts each entry once):
 * whether the planner runs, the approximate entries of each store (a RocksDB estimate, free to read, through Kafka
 * Streams' interactive queries), and the schedules by status, which each task's processor keeps as it changes them
 * ({@link ScheduleCensus}): a scrape reads a few counters, and nothing scans the stores.
 */
public final class PlannerGauges implements AutoCloseable {
    private final KafkaStreams streams;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    public PlannerGauges(KafkaStreams streams, MeterRegistry registry, List<String> stores, ScheduleCensus census) {
        this.streams = streams;
        this.registry = registry;
        meters.add(Gauge.builder("punctual.planner.running", streams, s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 while this planner instance processes commands and emits fires").register(registry));
        for (String store : stores) {
            meters.add(Gauge.builder("punctual.planner.store.entries", this, g -> g.approximateEntries(store))
                    .description("Approximate entries of a state store in this instance's active tasks")
                    .tag("store", store).register(registry));
        }
        for (ScheduleStatus status : ScheduleStatus.values()) {
            meters.add(Gauge.builder("punctual.planner.schedules", census, c -> c.count(status)).strongReference(true)
                    .description("Schedules in this instance's active tasks, by status (NaN while a task still counts what it started with)")
                    .tag("status", status.name().toLowerCase(Locale.ROOT)).register(registry));
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

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
