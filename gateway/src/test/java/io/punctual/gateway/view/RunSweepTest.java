package io.punctual.gateway.view;

import io.punctual.schemas.ExecutionResult;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.punctual.gateway.view.ViewFixtures.RESULTS;
import static io.punctual.gateway.view.ViewFixtures.record;
import static io.punctual.gateway.view.ViewFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run history's sweep reads the age index and the flagged schedules, not the history: after any writes (rewrites
 * of a run included) and sweeps, each schedule holds what the rule says (a model of it, run by run), nothing past the
 * age limit, at most a tenth over the count, and every run kept has its one entry in the age index. A store written
 * before the index is indexed once.
 */
class RunSweepTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Duration MAX_AGE = Duration.ofDays(30);
    private static final int COUNT = 10;
    /** A tenth of the count: what a schedule may hold beyond it between sweeps. */
    private static final int SLACK = 1;
    private static final List<String> SCHEDULES = List.of("sch_a", "sch_b", "sch_c");

    private final List<ViewStore> opened = new ArrayList<>();

    /** One step: a run written (a schedule, its time in hours before NOW, its attempt), or a sweep (schedule null). */
    record Step(String scheduleId, int hoursAgo, int attempt) {
    }

    @Property(tries = 100)
    void aSweepLeavesEachScheduleItsNewestRunsWithinTheLimits(@ForAll("steps") List<Step> steps) throws IOException {
        Path dir = Files.createTempDirectory("runs");
        ViewStore store = new ViewStore(dir);
        try {
            sweepsKeep(store, steps);
        } finally {
            store.close();
            delete(dir);
        }
    }

    private void sweepsKeep(ViewStore store, List<Step> steps) {
        RunView runs = new RunView(store, RESULTS, ViewFixtures.results(), MAX_AGE, COUNT);
        Model model = new Model();
        for (Step step : steps) {
            if (step.scheduleId() == null) {
                runs.sweep(NOW);
                model.sweep();
                assertKept(store, runs, model);
                continue;
            }
            ExecutionResult result = run(step.scheduleId(), "t1", NOW.minus(Duration.ofHours(step.hoursAgo())), step.attempt());
            runs.applyRecords(List.of(record(RESULTS, step.scheduleId(), result)), ViewFixtures.position(RESULTS));
            model.write(result);
        }
        runs.sweep(NOW);
        model.sweep();
        assertKept(store, runs, model);
    }

    /**
     * What the sweep promises, run by run: a schedule whose runs written since its last trim (rewrites counted) pass
     * the count by more than a tenth keeps its newest runs up to the count; then every run past the age goes.
     */
    private static final class Model {
        final Map<String, TreeMap<byte[], ExecutionResult>> runs = new TreeMap<>();
        final Map<String, Integer> bounds = new TreeMap<>();

        void write(ExecutionResult result) {
            runs.computeIfAbsent(result.getScheduleId(), id -> new TreeMap<>(java.util.Arrays::compareUnsigned)).put(RunView.key(result), result);
            bounds.merge(result.getScheduleId(), 1, Integer::sum);
        }

        void sweep() {
            for (Map.Entry<String, TreeMap<byte[], ExecutionResult>> schedule : runs.entrySet()) {
                if (bounds.getOrDefault(schedule.getKey(), 0) > COUNT + SLACK) {
                    while (schedule.getValue().size() > COUNT) {
                        schedule.getValue().pollLastEntry(); // the oldest: keys sort newest first
                    }
                    bounds.put(schedule.getKey(), schedule.getValue().size());
                }
            }
            Instant cutoff = NOW.minus(MAX_AGE);
            for (Map.Entry<String, TreeMap<byte[], ExecutionResult>> schedule : runs.entrySet()) {
                schedule.getValue().values().removeIf(r -> r.getScheduledFor().isBefore(cutoff));
                if (schedule.getValue().isEmpty()) {
                    bounds.remove(schedule.getKey());
                }
            }
        }
    }

    @Test
    void aStoreWrittenBeforeTheIndexIsIndexedByItsFirstSweep(@TempDir Path dir) throws RocksDBException {
        ViewStore store = open(dir);
        new RunView(store, RESULTS, ViewFixtures.results(), MAX_AGE, COUNT);
        // As an earlier version wrote them: the runs and the tenants' index alone, no age index, no bounds.
        store.db().delete(store.meta, "runs-indexed-by-age".getBytes());
        List<ExecutionResult> old = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            old.add(run("sch_old", "t1", NOW.minus(Duration.ofHours(i)), 1));
        }
        old.add(run("sch_aged", "t1", NOW.minus(Duration.ofDays(40)), 1));
        for (ExecutionResult result : old) {
            store.db().put(store.runs, RunView.key(result), record(RESULTS, result.getScheduleId(), result).value());
            store.db().put(store.runTenants, Keys.of("t1", result.getScheduleId()), new byte[0]);
        }

        RunView runs = new RunView(store, RESULTS, ViewFixtures.results(), MAX_AGE, COUNT);
        assertThat(runs.sweep(NOW)).isEqualTo(15 + 1);

        assertThat(runs.runsOf("sch_old", "t1")).extracting(ExecutionResult::getScheduledFor)
                .containsExactlyElementsOf(old.subList(0, COUNT).stream().map(ExecutionResult::getScheduledFor).toList());
        assertThat(runs.tenantOf("sch_aged")).isEmpty();
        assertThat(entries(store, store.runAges)).isEqualTo(COUNT);
        assertThat(Keys.longOf(store.db().get(store.runCounts, Keys.of("sch_old")))).isEqualTo(COUNT);
        assertThat(runs.sweep(NOW)).as("a second sweep finds nothing to do").isZero();
    }

    private static void assertKept(ViewStore store, RunView runs, Model model) {
        Instant cutoff = NOW.minus(MAX_AGE);
        int kept = 0;
        for (Map.Entry<String, TreeMap<byte[], ExecutionResult>> schedule : model.runs.entrySet()) {
            List<ExecutionResult> stored = runs.runsOf(schedule.getKey(), "t1");
            assertThat(ids(stored)).as("runs of %s", schedule.getKey()).isEqualTo(ids(new ArrayList<>(schedule.getValue().values())));
            assertThat(stored).as("runs of %s", schedule.getKey()).allMatch(r -> !r.getScheduledFor().isBefore(cutoff)).hasSizeLessThanOrEqualTo(COUNT + SLACK);
            kept += stored.size();
        }
        assertThat(entries(store, store.runAges)).as("age entries of the runs kept").isEqualTo(kept);
    }

    private static List<String> ids(List<ExecutionResult> results) {
        return results.stream().map(r -> r.getFireId() + "#" + r.getAttempt()).toList();
    }

    private static int entries(ViewStore store, org.rocksdb.ColumnFamilyHandle family) {
        int n = 0;
        try (RocksIterator it = store.db().newIterator(family)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                if (family != store.runAges || store.db().get(store.runs, java.util.Arrays.copyOfRange(it.key(), Long.BYTES, it.key().length)) != null) {
                    n++;
                }
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
        return n;
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> write = Combinators.combine(Arbitraries.of(SCHEDULES), Arbitraries.integers().between(0, 24 * 40), Arbitraries.integers().between(1, 2))
                .as(Step::new);
        Arbitrary<Step> sweep = Arbitraries.just(new Step(null, 0, 0));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, write), net.jqwik.api.Tuple.of(1, sweep)).list().ofMaxSize(120);
    }

    private ViewStore open(Path dir) {
        ViewStore store = new ViewStore(dir);
        opened.add(store);
        return store;
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        opened.forEach(ViewStore::close);
        opened.clear();
    }
}
