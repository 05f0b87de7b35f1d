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
import java.util.Comparator;
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
 * <p>It stays one class (about 340 lines): every read, the removal of a schedule and the sweep work on the one key
 * layout written here ({@code key}, {@code groupOf}, {@code isOfFire}, {@code nominalMillis}); each public method is
 * a short guard (never while the store closes) around its {@code ...Now} body. Apart, the layout would be spread
 * over classes.
 */
public final class RunView {
    private static final Logger LOG = LoggerFactory.getLogger(RunView.class);
    private static final Comparator<ExecutionResult> NEWEST_FIRST =
            Comparator.comparing(ExecutionResult::getScheduledFor).thenComparing(ExecutionResult::getAttempt).reversed();
    private static final HexFormat HEX = HexFormat.of();

    /** One page of runs, newest first, and the cursor to continue after (null when no more follow). */
    public record Page(List<ExecutionResult> items, String after) {
    }

    private final ViewStore store;
    private final String topic;
    private final Deserializer<ExecutionResult> deserializer;
    private final Duration maxAge;
    private final int maxPerSchedule;

    RunView(ViewStore store, String topic, Deserializer<ExecutionResult> deserializer, Duration maxAge, int maxPerSchedule) {
        this.store = store;
        this.topic = topic;
        this.deserializer = deserializer;
        this.maxAge = maxAge;
        this.maxPerSchedule = maxPerSchedule;
    }

    /** Records of {@code punctual.results} and the positions after them, written in one atomic batch. */
    void applyRecords(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> positions) {
        store.run(() -> applyRecordsNow(records, positions));
    }

    private synchronized void applyRecordsNow(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> positions) {
        try (WriteBatch batch = new WriteBatch()) {
            for (ConsumerRecord<String, byte[]> record : records) {
                if (record.value() == null) {
                    continue;
                }
                try {
                    ExecutionResult result = deserializer.deserialize(record.topic(), record.value());
                    batch.put(store.runs, key(result), record.value());
                    batch.put(store.runTenants, Keys.of(result.getTenant(), result.getScheduleId()), new byte[0]);
                } catch (RuntimeException e) {
                    UndecodableRecords.skipOrRethrow(record, e, LOG);
                }
            }
            store.putOffsets(batch, positions);
            store.write(batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot write the gateway's run history", e);
        }
    }

    private static byte[] key(ExecutionResult result) {
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
            store.db().deleteRange(store.runs, store.writeOptions(), prefix, Keys.end(prefix));
            store.db().delete(store.runTenants, store.writeOptions(), Keys.of(tenant, scheduleId));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot remove the runs of " + scheduleId, e);
        }
    }

    /**
     * Removes runs scheduled before {@code now} minus the age limit and those beyond the count per schedule. Reads
     * the history once, in key order; returns how many runs it removed.
     */
    int sweep(Instant now) {
        return store.use(() -> sweepNow(now));
    }

    private int sweepNow(Instant now) {
        long cutoff = now.minus(maxAge).toEpochMilli();
        int removed = 0;
        try (RocksIterator it = store.db().newIterator(store.runs); WriteBatch batch = new WriteBatch()) {
            byte[] group = null;
            int position = 0;
            String groupTenant = null;
            boolean groupEmptied = false;
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (group == null || !Keys.startsWith(key, group)) {
                    if (groupEmptied) {
                        flush(batch);
                        forgetIfEmpty(group, groupTenant);
                    }
                    group = groupOf(key);
                    position = 0;
                    groupTenant = null;
                    groupEmptied = false;
                }
                long scheduledFor = Long.MAX_VALUE - ByteBuffer.wrap(key, group.length, Long.BYTES).getLong();
                if (position >= maxPerSchedule || scheduledFor < cutoff) {
                    if (position == 0) {
                        groupEmptied = true;
                        groupTenant = deserializer.deserialize(topic, it.value()).getTenant().toString();
                    }
                    batch.delete(store.runs, key);
                    removed++;
                    if (batch.count() >= 1000) {
                        flush(batch);
                    }
                }
                position++;
            }
            flush(batch);
            if (groupEmptied) {
                forgetIfEmpty(group, groupTenant);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot sweep the gateway's run history", e);
        }
        return removed;
    }

    private void flush(WriteBatch batch) throws RocksDBException {
        store.db().write(store.writeOptions(), batch);
        batch.clear();
    }

    /** Drops a schedule from its tenant's index once it has no runs left (checked under the lock writes take). */
    private synchronized void forgetIfEmpty(byte[] group, String tenant) throws RocksDBException {
        try (RocksIterator it = store.db().newIterator(store.runs)) {
            it.seek(group);
            if (it.isValid() && Keys.startsWith(it.key(), group)) {
                return;
            }
        }
        String scheduleId = new String(group, 0, group.length - 1, StandardCharsets.UTF_8);
        store.db().delete(store.runTenants, store.writeOptions(), Keys.of(tenant, scheduleId));
    }

    private static byte[] groupOf(byte[] key) {
        int end = 0;
        while (key[end] != Keys.SEPARATOR) {
            end++;
        }
        return Arrays.copyOf(key, end + 1);
    }
}
