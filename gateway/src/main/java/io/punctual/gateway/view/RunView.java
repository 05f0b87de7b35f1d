package io.punctual.gateway.view;

import io.punctual.schemas.ExecutionResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The gateway's run history, from {@code punctual.results}, on disk. Each attempt is keyed
 * schedule|newest-first time|fire id|attempt, so a schedule's runs are one range read newest first and a page
 * continues after the last key it returned. Bounded by a sweep: runs older than the age limit (by scheduled time)
 * and beyond the count per schedule are removed, and the runs of a schedule deleted while it could still fire go
 * with it. Results outlive a schedule that completed (the seed API lists them after a one-time schedule is gone)
 * until the age limit. A tenant|schedule index lists the schedules of a tenant that have runs.
 *
 * <p>The sweep reads only what it removes, not the whole history (which a million schedules at 500 runs each make
 * half a billion entries, every sweep): each run is also indexed oldest first by scheduled time ({@code runAges}),
 * so the runs past their age are a range from the start; and each schedule has an upper bound of its runs
 * ({@code runCounts}, raised as runs are written), which flags it ({@code runTrims}) once it passes the count by a
 * tenth, so the sweep reads the runs of the flagged schedules alone and sets their bound to what it kept. A trim
 * therefore reads a schedule's runs once per tenth of the count, and a schedule holds at most a tenth more than the
 * count between sweeps. A store written before the index is indexed once, by the first sweep.
 *
 * <p>It stays one class (about 500 lines): every read, the removal of a schedule and the sweep work on the one key
 * layout written here ({@code key}, {@code ageKey}, {@code groupOf}, {@code isOfFire}, {@code nominalMillis}); each
 * public method is a short guard (never while the store closes) around its {@code ...Now} body. Apart, the layout
 * would be spread over classes.
 */
public final class RunView {
    private static final Logger LOG = LoggerFactory.getLogger(RunView.class);
    private static final Comparator<ExecutionResult> NEWEST_FIRST =
            Comparator.comparing(ExecutionResult::getScheduledFor).thenComparing(ExecutionResult::getAttempt).reversed();
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] NOTHING = new byte[0];
    /** In the store's meta: the runs are indexed by age and bounded per schedule ({@link #indexOnce}). */
    private static final byte[] AGE_INDEX = "runs-indexed-by-age".getBytes(StandardCharsets.UTF_8);

    /** One page of runs, newest first, and the cursor to continue after (null when no more follow). */
    public record Page(List<ExecutionResult> items, String after) {
    }

    private final ViewStore store;
    private final String topic;
    private final Deserializer<ExecutionResult> deserializer;
    private final Duration maxAge;
    private final int maxPerSchedule;
    /** Runs a schedule may hold beyond the count before the sweep trims it: a tenth, so a trim reads its runs rarely. */
    private final int trimSlack;

    RunView(ViewStore store, String topic, Deserializer<ExecutionResult> deserializer, Duration maxAge, int maxPerSchedule) {
        this.store = store;
        this.topic = topic;
        this.deserializer = deserializer;
        this.maxAge = maxAge;
        this.maxPerSchedule = maxPerSchedule;
        this.trimSlack = Math.max(1, maxPerSchedule / 10);
        store.run(this::markNewStoreIndexed);
    }

    /** A store with no runs yet has nothing to index: every run it gets is indexed as it is written. */
    private void markNewStoreIndexed() {
        try (RocksIterator it = store.db().newIterator(store.runs)) {
            it.seekToFirst();
            if (!it.isValid()) {
                store.db().put(store.meta, store.writeOptions(), AGE_INDEX, NOTHING);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot open the gateway's run history", e);
        }
    }

    /** Records of {@code punctual.results} and the positions after them, written in one atomic batch. */
    void applyRecords(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> positions) {
        store.run(() -> applyRecordsNow(records, positions));
    }

    private synchronized void applyRecordsNow(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> positions) {
        try (WriteBatch batch = new WriteBatch()) {
            Map<String, Integer> added = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                if (record.value() == null) {
                    continue;
                }
                try {
                    ExecutionResult result = deserializer.deserialize(record.topic(), record.value());
                    byte[] key = key(result);
                    batch.put(store.runs, key, record.value());
                    batch.put(store.runAges, ageKey(key, result.getScheduledFor().toEpochMilli()), NOTHING);
                    batch.put(store.runTenants, Keys.of(result.getTenant(), result.getScheduleId()), NOTHING);
                    added.merge(result.getScheduleId(), 1, Integer::sum);
                } catch (RuntimeException e) {
                    UndecodableRecords.skipOrRethrow(record, e, LOG);
                }
            }
            count(batch, added);
            store.putOffsets(batch, positions);
            store.write(batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot write the gateway's run history", e);
        }
    }

    /**
     * Raises each schedule's bound by the runs the batch adds (a run written again counts again: a bound, not a
     * count), and flags those past the count by more than the slack for the sweep.
     */
    private void count(WriteBatch batch, Map<String, Integer> added) throws RocksDBException {
        if (added.isEmpty()) {
            return; // RocksDB refuses a multi-get of no keys
        }
        List<String> ids = new ArrayList<>(added.keySet());
        List<byte[]> keys = new ArrayList<>(ids.size());
        ids.forEach(id -> keys.add(Keys.of(id)));
        List<byte[]> bounds = store.db().multiGetAsList(Collections.nCopies(keys.size(), store.runCounts), keys);
        for (int i = 0; i < ids.size(); i++) {
            long bound = Keys.longOf(bounds.get(i)) + added.get(ids.get(i));
            batch.put(store.runCounts, keys.get(i), Keys.longBytes(bound));
            if (bound > maxPerSchedule + trimSlack) {
                batch.put(store.runTrims, keys.get(i), NOTHING);
            }
        }
    }

    /** A run's entry in the age index: its scheduled time, oldest first (sign bit flipped, so unsigned order is time order), then its key. */
    private static byte[] ageKey(byte[] runKey, long scheduledForMillis) {
        return Keys.concat(Keys.longBytes(scheduledForMillis ^ Long.MIN_VALUE), runKey);
    }

    static byte[] key(ExecutionResult result) {
        return Keys.concat(Keys.prefix(result.getScheduleId()), Keys.newestFirst(result.getScheduledFor().toEpochMilli()),
                Keys.of(result.getFireId()), new byte[]{Keys.SEPARATOR},
                ByteBuffer.allocate(Integer.BYTES).putInt(Integer.MAX_VALUE - result.getAttempt()).array());
    }

    /**
     * A page of the schedule's runs visible to the tenant, newest first, after the cursor {@code after} (from an
     * earlier page). Throws IllegalArgumentException for a cursor this view did not give out.
     */
    public Page page(String scheduleId, String tenant, String after, int limit) {
        return store.use(() -> pageNow(scheduleId, tenant, after, limit));
    }

    private Page pageNow(String scheduleId, String tenant, String after, int limit) {
        byte[] prefix = Keys.prefix(scheduleId);
        byte[] afterKey = after == null ? null : Keys.concat(prefix, HEX.parseHex(after));
        List<ExecutionResult> items = new ArrayList<>();
        try (RocksIterator it = store.db().newIterator(store.runs)) {
            it.seek(afterKey == null ? prefix : afterKey);
            for (; it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                if (afterKey != null && Arrays.equals(it.key(), afterKey)) {
                    continue;
                }
                if (items.size() == limit) {
                    byte[] last = key(items.get(limit - 1));
                    return new Page(items, HEX.formatHex(last, prefix.length, last.length));
                }
                ExecutionResult result = deserializer.deserialize(topic, it.value());
                if (!result.getTenant().equals(tenant)) {
                    return new Page(List.of(), null);
                }
                items.add(result);
            }
        }
        return new Page(items, null);
    }

    /** The runs of a schedule visible to a tenant, newest scheduled time first (as many as retention keeps). */
    List<ExecutionResult> runsOf(String scheduleId, String tenant) {
        List<ExecutionResult> all = new ArrayList<>();
        String after = null;
        do {
            Page page = page(scheduleId, tenant, after, 1000);
            all.addAll(page.items());
            after = page.after();
        } while (after != null);
        return all;
    }

    /** The schedule's newest run visible to the tenant that matches, read newest first until one does. */
    public Optional<ExecutionResult> latest(String scheduleId, String tenant, Predicate<ExecutionResult> matching) {
        return store.use(() -> latestNow(scheduleId, tenant, matching));
    }

    private Optional<ExecutionResult> latestNow(String scheduleId, String tenant, Predicate<ExecutionResult> matching) {
        byte[] prefix = Keys.prefix(scheduleId);
        try (RocksIterator it = store.db().newIterator(store.runs)) {
            for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                ExecutionResult result = deserializer.deserialize(topic, it.value());
                if (!result.getTenant().equals(tenant)) {
                    return Optional.empty();
                }
                if (matching.test(result)) {
                    return Optional.of(result);
                }
            }
        }
        return Optional.empty();
    }

    /** For each schedule of the tenant, its newest run that matches (door 2's /results), newest first. */
    public List<ExecutionResult> latestOfEachSchedule(String tenant, Predicate<ExecutionResult> matching) {
        return store.use(() -> latestOfEachScheduleNow(tenant, matching));
    }

    private List<ExecutionResult> latestOfEachScheduleNow(String tenant, Predicate<ExecutionResult> matching) {
        List<ExecutionResult> latest = new ArrayList<>();
        byte[] prefix = Keys.prefix(tenant);
        try (RocksIterator it = store.db().newIterator(store.runTenants)) {
            for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                latestNow(Keys.rest(it.key(), prefix), tenant, matching).ifPresent(latest::add);
            }
        }
        latest.sort(NEWEST_FIRST);
        return latest;
    }

    /** The attempts of one fire, newest first. Fire ids start with their schedule id ({@code <schedule>@<millis>}). */
    public List<ExecutionResult> attemptsOf(String fireId, String tenant) {
        return store.use(() -> attemptsOfNow(fireId, tenant));
    }

    private List<ExecutionResult> attemptsOfNow(String fireId, String tenant) {
        int at = fireId.indexOf('@');
        if (at <= 0) {
            return List.of();
        }
        String scheduleId = fireId.substring(0, at);
        byte[] fire = Keys.of(fireId);
        List<ExecutionResult> attempts = new ArrayList<>();
        byte[] prefix = Keys.prefix(scheduleId);
        byte[] start = nominalMillis(fireId, at).map(ms -> Keys.concat(prefix, Keys.newestFirst(ms))).orElse(prefix);
        try (RocksIterator it = store.db().newIterator(store.runs)) {
            // Fire ids carry their nominal time, which is the scheduled time: one seek finds the attempts.
            for (it.seek(start); it.isValid() && Keys.startsWith(it.key(), start); it.next()) {
                if (isOfFire(it.key(), prefix.length + Long.BYTES, fire)) {
                    ExecutionResult result = deserializer.deserialize(topic, it.value());
                    if (result.getTenant().equals(tenant)) {
                        attempts.add(result);
                    }
                }
            }
        }
        if (attempts.isEmpty() && start.length != prefix.length) {
            // A fire whose scheduled time differs from the time in its id: look through the schedule's runs.
            return runsOf(scheduleId, tenant).stream().filter(r -> r.getFireId().equals(fireId)).toList();
        }
        return attempts;
    }

    private static Optional<Long> nominalMillis(String fireId, int at) {
        int end = at + 1;
        while (end < fireId.length() && Character.isDigit(fireId.charAt(end))) {
            end++;
        }
        try {
            return Optional.of(Long.parseLong(fireId.substring(at + 1, end)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isOfFire(byte[] key, int offset, byte[] fire) {
        if (key.length < offset + fire.length + 1 || key[offset + fire.length] != Keys.SEPARATOR) {
            return false;
        }
        for (int i = 0; i < fire.length; i++) {
            if (key[offset + i] != fire[i]) {
                return false;
            }
        }
        return true;
    }

    public Optional<String> tenantOf(String scheduleId) {
        return store.use(() -> tenantOfNow(scheduleId));
    }

    private Optional<String> tenantOfNow(String scheduleId) {
        byte[] prefix = Keys.prefix(scheduleId);
        try (RocksIterator it = store.db().newIterator(store.runs)) {
            it.seek(prefix);
            if (it.isValid() && Keys.startsWith(it.key(), prefix)) {
                return Optional.of(deserializer.deserialize(topic, it.value()).getTenant().toString());
            }
        }
        return Optional.empty();
    }

    /** Removes every run of a schedule that was deleted. */
    void removeSchedule(String scheduleId, String tenant) {
        store.run(() -> removeScheduleNow(scheduleId, tenant));
    }

    private synchronized void removeScheduleNow(String scheduleId, String tenant) {
        byte[] prefix = Keys.prefix(scheduleId);
        try {
            // Its entries in the age index stay until they age out; the sweep finds their runs gone then.
            store.db().deleteRange(store.runs, store.writeOptions(), prefix, Keys.end(prefix));
            store.db().delete(store.runTenants, store.writeOptions(), Keys.of(tenant, scheduleId));
            store.db().delete(store.runCounts, store.writeOptions(), Keys.of(scheduleId));
            store.db().delete(store.runTrims, store.writeOptions(), Keys.of(scheduleId));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot remove the runs of " + scheduleId, e);
        }
    }

    /**
     * Removes runs scheduled before {@code now} minus the age limit (a range of the age index from its start) and
     * those beyond the count of the schedules flagged since the last sweep; returns how many runs it removed.
     */
    int sweep(Instant now) {
        return store.use(() -> sweepNow(now));
    }

    private int sweepNow(Instant now) {
        try {
            indexOnce();
            return trimFlagged() + expire(now.minus(maxAge).toEpochMilli());
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot sweep the gateway's run history", e);
        }
    }

    /** The runs past their age, oldest first, with their entries; schedules left without runs leave the tenants' index. */
    private int expire(long cutoff) throws RocksDBException {
        int removed = 0;
        Map<String, String> touched = new HashMap<>();
        try (RocksIterator it = store.db().newIterator(store.runAges); WriteBatch batch = new WriteBatch()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] ageKey = it.key();
                if ((ByteBuffer.wrap(ageKey, 0, Long.BYTES).getLong() ^ Long.MIN_VALUE) >= cutoff) {
                    break;
                }
                byte[] runKey = Arrays.copyOfRange(ageKey, Long.BYTES, ageKey.length);
                String scheduleId = scheduleOf(runKey);
                if (touched.get(scheduleId) == null) {
                    // Read before it goes: the tenant whose index drops the schedule if this empties it (null while
                    // the runs seen are gone already: entries of a removed schedule, or of runs trimmed).
                    byte[] run = store.db().get(store.runs, runKey);
                    touched.put(scheduleId, run == null ? null : deserializer.deserialize(topic, run).getTenant().toString());
                }
                batch.delete(store.runs, runKey);
                batch.delete(store.runAges, ageKey);
                removed++;
                if (batch.count() >= 1000) {
                    forgetEmptied(batch, touched);
                }
            }
            forgetEmptied(batch, touched);
        }
        return removed;
    }

    private void forgetEmptied(WriteBatch batch, Map<String, String> touched) throws RocksDBException {
        flush(batch);
        for (Map.Entry<String, String> schedule : touched.entrySet()) {
            forgetIfEmpty(Keys.prefix(schedule.getKey()), schedule.getValue());
        }
        touched.clear();
    }

    /** Trims each flagged schedule to its newest runs up to the count, and sets its bound to what it kept. */
    private int trimFlagged() throws RocksDBException {
        int removed = 0;
        try (RocksIterator flagged = store.db().newIterator(store.runTrims)) {
            for (flagged.seekToFirst(); flagged.isValid(); flagged.next()) {
                removed += trim(new String(flagged.key(), StandardCharsets.UTF_8));
            }
        }
        return removed;
    }

    /** Under the lock writes take, so the bound it sets does not overwrite a batch's raise. */
    private synchronized int trim(String scheduleId) throws RocksDBException {
        byte[] group = Keys.prefix(scheduleId);
        int kept = 0;
        int removed = 0;
        try (RocksIterator it = store.db().newIterator(store.runs); WriteBatch batch = new WriteBatch()) {
            for (it.seek(group); it.isValid() && Keys.startsWith(it.key(), group); it.next()) {
                if (kept < maxPerSchedule) {
                    kept++;
                    continue;
                }
                byte[] key = it.key();
                batch.delete(store.runs, key);
                batch.delete(store.runAges, ageKey(key, scheduledForOf(key, group.length)));
                removed++;
            }
            batch.put(store.runCounts, Keys.of(scheduleId), Keys.longBytes(kept));
            batch.delete(store.runTrims, Keys.of(scheduleId));
            flush(batch);
        }
        return removed;
    }

    /**
     * Once per store: a store whose runs were written before the age index and the bounds gets both, in one read of
     * its runs (in key order, so one schedule's runs at a time), and its schedules past the count are flagged.
     * Batches written meanwhile raise the bounds too, so a bound may count a run twice: it stays an upper bound.
     */
    private void indexOnce() throws RocksDBException {
        if (store.db().get(store.meta, AGE_INDEX) != null) {
            return;
        }
        long indexed = 0;
        try (RocksIterator it = store.db().newIterator(store.runs); WriteBatch batch = new WriteBatch()) {
            byte[] group = null;
            long runs = 0;
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (group == null || !Keys.startsWith(key, group)) {
                    addBound(batch, group, runs);
                    group = groupOf(key);
                    runs = 0;
                }
                batch.put(store.runAges, ageKey(key, scheduledForOf(key, group.length)), NOTHING);
                runs++;
                indexed++;
                if (batch.count() >= 1000) {
                    flush(batch);
                }
            }
            addBound(batch, group, runs);
            batch.put(store.meta, AGE_INDEX, NOTHING);
            flush(batch);
        }
        if (indexed > 0) {
            LOG.info("Indexed {} runs of the gateway's run history by age, once", indexed);
        }
    }

    private synchronized void addBound(WriteBatch batch, byte[] group, long runs) throws RocksDBException {
        if (group == null) {
            return;
        }
        flush(batch);
        byte[] id = Keys.of(scheduleIdOf(group));
        long bound = Keys.longOf(store.db().get(store.runCounts, id)) + runs;
        store.db().put(store.runCounts, store.writeOptions(), id, Keys.longBytes(bound));
        if (bound > maxPerSchedule + trimSlack) {
            store.db().put(store.runTrims, store.writeOptions(), id, NOTHING);
        }
    }

    private static long scheduledForOf(byte[] runKey, int groupLength) {
        return Long.MAX_VALUE - ByteBuffer.wrap(runKey, groupLength, Long.BYTES).getLong();
    }

    private static String scheduleOf(byte[] runKey) {
        return scheduleIdOf(groupOf(runKey));
    }

    /** The schedule id of a run key's group (its prefix: the id and a separator). */
    private static String scheduleIdOf(byte[] group) {
        return new String(group, 0, group.length - 1, StandardCharsets.UTF_8);
    }

    private void flush(WriteBatch batch) throws RocksDBException {
        store.db().write(store.writeOptions(), batch);
        batch.clear();
    }

    /**
     * Drops a schedule from its tenant's index, and its bound, once it has no runs left (checked under the lock writes
     * take). {@code tenant} is null when its runs were gone already (the schedule removed, which dropped both).
     */
    private synchronized void forgetIfEmpty(byte[] group, String tenant) throws RocksDBException {
        try (RocksIterator it = store.db().newIterator(store.runs)) {
            it.seek(group);
            if (it.isValid() && Keys.startsWith(it.key(), group)) {
                return;
            }
        }
        String scheduleId = scheduleIdOf(group);
        if (tenant != null) {
            store.db().delete(store.runTenants, store.writeOptions(), Keys.of(tenant, scheduleId));
        }
        store.db().delete(store.runCounts, store.writeOptions(), Keys.of(scheduleId));
        store.db().delete(store.runTrims, store.writeOptions(), Keys.of(scheduleId));
    }

    private static byte[] groupOf(byte[] key) {
        int end = 0;
        while (key[end] != Keys.SEPARATOR) {
            end++;
        }
        return Arrays.copyOf(key, end + 1);
    }
}
