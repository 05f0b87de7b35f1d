package io.punctual.bench.planner;

import io.punctual.planner.timeline.DueScan;
import io.punctual.planner.timeline.TimelineKey;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What a scan of the timeline costs when the entries before it were deleted (as every fire deletes its own): the
 * same work on two RocksDB stores of Kafka Streams (persistent, no cache, no changelog), one scanned from the first
 * possible key, as the planner did until the ninth session, one from {@link DueScan}'s floor. {@code fires} entries,
 * one per millisecond, are emitted {@code perScan} at a time (1,000 fires/s and a scan every 25 ms: 25), each scan
 * deleting what it found; prints the mean time per scan over the run and over its last tenth.
 * Usage: {@code DueScanCost [fires] [perScan]} (defaults 100,000 and 25).
 */
public final class DueScanCost {
    private DueScanCost() {
    }

    public static void main(String[] args) throws Exception {
        int fires = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int perScan = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        long base = 1_000_000L;
        for (int round = 0; round < 3; round++) {
            // Alternated, so neither side is measured with a colder JIT than the other.
            long[] fromStart = run(fires, perScan, base, false);
            long[] fromFloor = run(fires, perScan, base, true);
            System.out.printf("round %d: %,d fires, %d per scan: from the start %.1f µs per scan (last tenth %.1f); from the floor %.1f µs (last tenth %.1f)%n",
                    round + 1, fires, perScan, fromStart[0] / 1e3, fromStart[1] / 1e3, fromFloor[0] / 1e3, fromFloor[1] / 1e3);
        }
    }

    /** Mean nanoseconds per scan over the whole run and over its last tenth. */
    @SuppressWarnings("deprecation")
    private static long[] run(int fires, int perScan, long base, boolean floor) throws Exception {
        Path dir = Files.createTempDirectory("due-scan-cost");
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "due-scan-cost");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("timeline"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled().build();
        store.init(new MockProcessorContext<>(config, new TaskId(0, 0), dir.toFile()).getStateStoreContext(), store);
        try {
            DueScan scan = new DueScan(store);
            for (int i = 0; i < fires; i++) {
                Bytes key = new TimelineKey(Instant.ofEpochMilli(base + i), "schedule-" + i).toBytes();
                store.put(key, new byte[0]);
                scan.added(key);
            }
            int scans = (fires + perScan - 1) / perScan;
            long total = 0;
            long lastTenth = 0;
            for (int s = 0; s < scans; s++) {
                Instant now = Instant.ofEpochMilli(base + (long) (s + 1) * perScan - 1);
                long started = System.nanoTime();
                List<Bytes> due = floor ? scan.due(now, Integer.MAX_VALUE, (key, value) -> key) : fromStart(store, now);
                long took = System.nanoTime() - started;
                total += took;
                if (s >= scans - scans / 10) {
                    lastTenth += took;
                }
                due.forEach(store::delete);
            }
            return new long[] {total / scans, lastTenth / Math.max(1, scans / 10)};
        } finally {
            store.close();
        }
    }

    private static List<Bytes> fromStart(KeyValueStore<Bytes, byte[]> store, Instant now) {
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(TimelineKey.start(), TimelineKey.endOfMillisecond(now))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                due.add(entry.key);
            }
        }
        return due;
    }
}
