package io.punctual.bench.gateway;

import io.punctual.gateway.view.ScheduleHeads;
import io.punctual.gateway.view.ScheduleView;
import io.punctual.gateway.view.ViewStore;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.AvroSerde;
import io.punctual.schemas.serde.InMemorySchemaRegistry;
import io.punctual.schemas.serde.SchemaRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cost of one list page (and one read by id) of the gateway's schedule view alone, without HTTP, as the number
 * of stored schedules grows: fills a {@link ScheduleView} on disk with N schedules of one tenant, as records of
 * {@code punctual.schedules} in the Confluent wire format (a registry in memory), then times pages of 50 at random
 * cursors and random reads by id.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.punctual.bench.gateway.ViewPageCost [schedules,...] [dir]</pre>
 */
public final class ViewPageCost {
    private static final String TOPIC = "punctual.schedules";
    private static final String TENANT = "t_bench";

    private ViewPageCost() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "10000,1000000").split(",")).mapToInt(Integer::parseInt).toArray();
        Path root = Path.of(args.length > 1 ? args[1] : "/tmp/punctual-view-page-cost");
        for (int n : sizes) {
            Path dir = root.resolve(Integer.toString(n));
            deleteTree(dir);
            try (ViewStore store = new ViewStore(dir)) {
                SchemaRegistry registry = new InMemorySchemaRegistry();
                AvroSerde<ScheduleState> serde = new AvroSerde<>(ScheduleState.class, registry);
                Serializer<ScheduleState> serializer = serde.serializer();
                ScheduleView view = new ScheduleView(store, TOPIC, serde.deserializer(), new ScheduleHeads(registry), gone -> { });
                List<String> ids = fill(view, n, serializer);
                measure(n, view, ids, store);
            }
            deleteTree(dir);
        }
    }

    private static List<String> fill(ScheduleView view, int n, Serializer<ScheduleState> serializer) {
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>(n);
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        long offset = 0;
        Instant at = Instant.parse("2035-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            String id = String.format("sch_%012x%016x", 1_700_000_000_000L, (long) i);
            ids.add(id);
            ScheduleState state = state(id, i, at.plusSeconds(i));
            batch.add(new ConsumerRecord<>(TOPIC, 0, offset++, id, serializer.serialize(TOPIC, state)));
            if (batch.size() == 500) {
                view.applyRecords(batch, Map.of(new TopicPartition(TOPIC, 0), offset));
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            view.applyRecords(batch, Map.of(new TopicPartition(TOPIC, 0), offset));
        }
        System.out.printf("%,d schedules stored in %.1f s%n", n, (System.nanoTime() - start) / 1e9);
        return ids;
    }

    private static void measure(int n, ScheduleView view, List<String> ids, ViewStore store) {
        for (int round = 0; round < 2; round++) { // the first round warms the JIT and the block cache
            long[] pages = new long[2_000];
            long[] gets = new long[2_000];
            for (int i = 0; i < pages.length; i++) {
                String after = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                long t0 = System.nanoTime();
                ScheduleView.Page page = view.page(TENANT, null, after, 50, s -> true);
                pages[i] = System.nanoTime() - t0;
                if (page.items().isEmpty() && !after.equals(ids.get(ids.size() - 1))) {
                    throw new IllegalStateException("empty page after " + after);
                }
                t0 = System.nanoTime();
                view.get(ids.get(ThreadLocalRandom.current().nextInt(ids.size()))).orElseThrow();
                gets[i] = System.nanoTime() - t0;
            }
            if (round == 1) {
                System.out.printf("%,d schedules (%,d bytes of SST): page of 50 p50 %.2f ms p99 %.2f ms; get by id p50 %.3f ms p99 %.3f ms%n",
                        n, store.liveDataBytes(), pct(pages, 50), pct(pages, 99), pct(gets, 50), pct(gets, 99));
            }
        }
    }

    private static ScheduleState state(String id, int i, Instant at) {
        LettaTarget target = LettaTarget.newBuilder().setAgentId("agent-" + (i % 100))
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("reminder " + i).build()))
                .setApiKeyCiphertext(ByteBuffer.wrap(new byte[120])).build();
        ScheduleSpec spec = ScheduleSpec.newBuilder().setTenant(TENANT).setTarget(target)
                .setCadence(OnceCadence.newBuilder().setAt(at).build()).setLabels(Map.of()).build();
        Instant created = Instant.parse("2026-01-01T00:00:00Z").plusMillis(i);
        return ScheduleState.newBuilder().setScheduleId(id).setSpec(spec).setStatus(ScheduleStatus.ACTIVE).setVersion(1)
                .setCreatedAt(created).setUpdatedAt(created).setNextFireAt(at).build();
    }

    private static double pct(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
