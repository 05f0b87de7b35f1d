package io.punctual.gateway.view;

import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.command.ShownWrites;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The gateway's view of the planner's schedule state, on disk. Fed by two sources that can arrive in either order:
 * {@code punctual.schedules} and the state snapshots in command results (so a write's own replica shows it at
 * once). An update is applied only if it is not older than what the view holds. Two indexes, tenant|id and
 * tenant|agent|id, each entry holding the {@link ScheduleSummary} a list filters on, give every list a range read
 * that starts at its cursor: a page costs the same whatever the tenant holds.
 */
public final class ScheduleView {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleView.class);
    /** Most index entries one page reads: a filter that matches little ends a page early, with a cursor. */
    static final int SCAN_BUDGET = 10_000;

    /** One page: the schedules, and the id to continue after (null when the list is done). */
    public record Page(List<ScheduleState> items, String after) {
    }

    private final ViewStore store;
    private final String topic;
    private final Deserializer<ScheduleState> deserializer;
    private final ScheduleHeads heads;
    private final Consumer<ScheduleHead> onDeleted;
    /** This replica's writes waiting to be shown by the topic, by schedule id. */
    private final Map<String, List<TopicWatch>> watches = new ConcurrentHashMap<>();

    /**
     * @param onDeleted told of a schedule deleted while it could still fire (not one removed after it completed),
     *                  whose runs go with it
     * @param heads     decodes what applying a state needs of it, and of the state it replaces, from the stored bytes
     */
    public ScheduleView(ViewStore store, String topic, Deserializer<ScheduleState> deserializer, ScheduleHeads heads,
                        Consumer<ScheduleHead> onDeleted) {
        this.store = store;
        this.topic = topic;
        this.deserializer = deserializer;
        this.heads = heads;
        this.onDeleted = onDeleted;
    }

    public Optional<ScheduleState> get(String scheduleId) {
        return store.use(() -> getNow(scheduleId));
    }

    private Optional<ScheduleState> getNow(String scheduleId) {
        try {
            byte[] raw = store.db().get(store.schedules, Keys.of(scheduleId));
            return raw == null ? Optional.empty() : Optional.of(deserializer.deserialize(topic, raw));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read schedule " + scheduleId + " from the gateway state", e);
        }
    }

    /** How many schedules of the tenant the view holds (a counter kept with the index, not a scan). */
    int countOf(String tenant) {
        return store.use(() -> countOfNow(tenant));
    }

    private int countOfNow(String tenant) {
        try {
            return (int) Keys.longOf(store.db().get(store.counts, Keys.of(tenant)));
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read the gateway state", e);
        }
    }

    /**
     * A page of the tenant's schedules (of one agent if {@code agentId} is given) in id order (ids sort by creation
     * time), after {@code afterId}, with at most {@code limit} items the filter accepts. Reads at most
     * {@link #SCAN_BUDGET} index entries, so a page with few matches may hold fewer items but still gives a cursor.
     * Ids are the cursor, so creates and deletes between pages neither skip nor repeat an item. A null filter takes
     * every entry.
     */
    public Page page(String tenant, String agentId, String afterId, int limit, @Nullable Predicate<ScheduleSummary> filter) {
        return store.use(() -> pageNow(tenant, agentId, afterId, limit, filter));
    }

    private Page pageNow(String tenant, String agentId, String afterId, int limit, Predicate<ScheduleSummary> filter) {
        byte[] prefix = agentId == null ? Keys.prefix(tenant) : Keys.prefix(tenant, agentId);
        List<String> ids = new ArrayList<>();
        String lastScanned = null;
        int scanned = 0;
        try (RocksIterator it = store.db().newIterator(agentId == null ? store.byTenant : store.byAgent)) {
            it.seek(afterId == null ? prefix : Keys.concat(prefix, Keys.of(afterId)));
            for (; it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                String id = Keys.rest(it.key(), prefix);
                if (id.equals(afterId)) {
                    continue;
                }
                if (ids.size() == limit || scanned == SCAN_BUDGET) {
                    // Something follows: continue after the last item returned, or the last entry read.
                    return new Page(read(ids), ids.size() == limit ? ids.get(limit - 1) : lastScanned);
                }
                scanned++;
                lastScanned = id;
                // No filter, nothing to decode: the entry's id is all a plain page needs.
                if (filter == null || filter.test(ScheduleSummary.fromBytes(it.value()))) {
                    ids.add(id);
                }
            }
        }
        return new Page(read(ids), null);
    }

    /** The page's schedules in one batched read (one multi-get, not one look-up per item). */
    private List<ScheduleState> read(List<String> ids) {
        if (ids.isEmpty()) {
            return new ArrayList<>(); // RocksDB refuses a multi-get of no keys
        }
        List<byte[]> keys = new ArrayList<>(ids.size());
        ids.forEach(id -> keys.add(Keys.of(id)));
        List<ScheduleState> items = new ArrayList<>(ids.size());
        try {
            List<byte[]> values = store.db().multiGetAsList(Collections.nCopies(keys.size(), store.schedules), keys);
            for (byte[] raw : values) {
                // An index entry whose schedule went between the two reads (a concurrent delete) is left out.
                if (raw != null) {
                    items.add(deserializer.deserialize(topic, raw));
                }
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot read a page of schedules from the gateway state", e);
        }
        return items;
    }

    /** Every schedule in the view, read from disk one at a time (for whole-state jobs such as key rotation). */
    public void forEach(Consumer<ScheduleState> action) {
        store.run(() -> forEachNow(action));
    }

    private void forEachNow(Consumer<ScheduleState> action) {
        try (RocksIterator it = store.db().newIterator(store.schedules)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                action.accept(deserializer.deserialize(topic, it.value()));
            }
        }
    }

    /** Records of {@code punctual.schedules} and the positions after them, written in one atomic batch. */
    public void applyRecords(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> positions) {
        store.run(() -> applyRecordsNow(records, positions));
    }

    private void applyRecordsNow(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> positions) {
        List<ScheduleHead> deletedLive = new ArrayList<>();
        // What each watched schedule's records showed, in order (null for a removal), noted once the batch is written.
        List<Map.Entry<String, ScheduleHead>> seen = new ArrayList<>();
        synchronized (this) {
            try (ScheduleWrites writes = new ScheduleWrites(store, heads)) {
                List<String> ids = new ArrayList<>(records.size());
                // Each state's head first: the tenant it names finds the head of the state it replaces in an index entry.
                List<Decoded> decoded = new ArrayList<>(records.size());
                Map<String, String> tenants = new HashMap<>();
                for (ConsumerRecord<String, byte[]> record : records) {
                    if (record.key() != null) {
                        ids.add(record.key()); // without a key, a state is applied under its own id, a tombstone skipped
                    }
                    Decoded head = Decoded.of(heads, record.value());
                    if (head.head() != null && record.key() != null) {
                        tenants.put(record.key(), head.head().tenant());
                    }
                    decoded.add(head);
                }
                writes.prefetch(ids, tenants);
                for (int i = 0; i < records.size(); i++) {
                    ConsumerRecord<String, byte[]> record = records.get(i);
                    try {
                        ScheduleHead head = null;
                        if (record.value() == null) {
                            ScheduleHead gone = writes.remove(record.key());
                            writes.forgetDeletion(record.key());
                            if (gone != null && gone.status() != ScheduleStatus.COMPLETED) {
                                deletedLive.add(gone);
                            }
                        } else {
                            head = decoded.get(i).orThrow();
                            ScheduleHead gone = apply(writes, head, record.value());
                            if (gone != null) {
                                deletedLive.add(gone);
                            }
                        }
                        if (record.key() != null && watches.containsKey(record.key())) {
                            seen.add(new AbstractMap.SimpleImmutableEntry<>(record.key(), head));
                        }
                    } catch (RuntimeException e) {
                        UndecodableRecords.skipOrRethrow(record, e, LOG);
                    }
                }
                writes.write(positions);
            } catch (RocksDBException e) {
                throw new IllegalStateException("Cannot write the gateway's schedule view", e);
            }
        }
        for (Map.Entry<String, ScheduleHead> shown : seen) {
            watches.getOrDefault(shown.getKey(), List.of()).forEach(watch -> watch.seen(shown.getValue()));
        }
        deletedLive.forEach(onDeleted);
    }

    /**
     * Watches what {@code punctual.schedules} shows of the schedule from now on, so a write of this replica answers only
     * once the topic shows its state (see {@link ShownWrites}).
     */
    public ShownWrites.Watch watch(String scheduleId) {
        TopicWatch watch = new TopicWatch(scheduleId);
        watches.compute(scheduleId, (id, list) -> {
            List<TopicWatch> next = list == null ? new CopyOnWriteArrayList<>() : list;
            next.add(watch);
            return next;
        });
        return watch;
    }

    /** One write's wait: what the topic showed of its schedule since it was published, and the state it waits for. */
    private final class TopicWatch implements ShownWrites.Watch {
        private final String scheduleId;
        private final CompletableFuture<Void> shown = new CompletableFuture<>();
        /**
         * The newest state the topic showed since the watch began (null before any), and whether it showed a removal:
         * a later record (another writer's change or deletion) must not hide that the write's own record came.
         */
        private ScheduleHead newest;
        private boolean removed;
        private ScheduleHead target;

        TopicWatch(String scheduleId) {
            this.scheduleId = scheduleId;
        }

        @Override
        public CompletableFuture<Void> until(ScheduleState state) {
            synchronized (this) {
                target = ScheduleHead.of(state);
            }
            check();
            return shown;
        }

        void seen(ScheduleHead head) {
            synchronized (this) {
                if (head == null) {
                    removed = true;
                } else if (newest == null || head.isNotOlderThan(newest)) {
                    newest = head;
                }
            }
            check();
        }

        private void check() {
            boolean done;
            synchronized (this) {
                done = target != null && (target.status() == ScheduleStatus.DELETED
                        // The planner publishes a deletion as a tombstone.
                        ? removed || newest != null && (newest.version() > target.version()
                        || newest.status() == ScheduleStatus.DELETED && newest.version() >= target.version())
                        : newest != null && newest.isNotOlderThan(target));
            }
            if (done) {
                shown.complete(null);
            }
        }

        @Override
        public void close() {
            watches.computeIfPresent(scheduleId, (id, list) -> {
                list.remove(this);
                return list.isEmpty() ? null : list;
            });
        }
    }

    /**
     * A record's decoded head, or why it did not decode: the failure is skipped or rethrown where the record is applied,
     * as when the head was decoded there.
     */
    private record Decoded(ScheduleHead head, RuntimeException failure) {
        static Decoded of(ScheduleHeads heads, byte[] value) {
            if (value == null) {
                return new Decoded(null, null);
            }
            try {
                return new Decoded(heads.read(value), null);
            } catch (RuntimeException e) {
                return new Decoded(null, e);
            }
        }

        ScheduleHead orThrow() {
            if (failure != null) {
                throw failure;
            }
            return head;
        }
    }

    /** Applies a state; returns the schedule it deleted while it could still fire, if it did. */
    private static ScheduleHead apply(ScheduleWrites writes, ScheduleHead incoming, byte[] raw) throws RocksDBException {
        String id = incoming.scheduleId();
        if (incoming.status() == ScheduleStatus.DELETED) {
            writes.markDeleted(id, Math.max(incoming.version(), writes.deletedAt(id)));
            ScheduleHead gone = writes.remove(id);
            return gone != null && gone.status() != ScheduleStatus.COMPLETED ? gone : null;
        }
        long deletedAt = writes.deletedAt(id);
        if (deletedAt != 0 && incoming.version() <= deletedAt) {
            return null;
        }
        ScheduleHead current = writes.current(id);
        if (current != null && !incoming.isNotOlderThan(current)) {
            return null;
        }
        writes.put(incoming, raw);
        return null;
    }
}
