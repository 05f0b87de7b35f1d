package io.punctual.planner.quota;

import io.punctual.schemas.ScheduleCommand;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A busy tenant's creates that found no credit while this task's ask for one was on its way to the quota
 * ({@link QuotaCredits}), held here until the answer comes instead of each taking the quota's two hops. Before,
 * a backlog that started cold sent its first seconds of creates through the quota one by one, and the answer to the
 * ask waited in the tenant's {@code punctual.quota} partition behind all of them: in the planner row's warm-up,
 * {@code punctual.quota} still grew by a fifth of the commands' bytes.
 *
 * <p>Held as durably as a request to the quota would be: in the task's changelogged store ({@code quota-held}),
 * written in the transaction that reads the create, so a crash neither loses nor repeats one. In the tenant's order:
 * the oldest goes first when the answer comes (a grant applies them from the credit; a refusal, or no answer within
 * the idle time, sends them to the quota one by one, as before). The store is cached: a create held and let go within
 * one commit interval never reaches its changelog.
 *
 * <p>Bounded: at most {@code capacity} creates are held by a task at once (a create beyond it takes the hops), so
 * what the heap keeps (their bytes, and the decoded command and checked spec of those held since the task started)
 * does not grow with the backlog.
 */
public final class HeldCreates {
    /**
     * A held create: its record's key (the schedule id), time and bytes, and the command decoded then (null when
     * restored from the store); {@code storeKey} is its place in the store.
     */
    public record Held(String storeKey, String key, long timestamp, byte[] bytes, ScheduleCommand command) {
    }

    private static final char SEPARATOR = '\u0000';

    private final KeyValueStore<String, byte[]> store;
    private final int capacity;
    private final Map<String, ArrayDeque<Held>> byTenant = new HashMap<>();
    private int size;
    private long sequence;

    /**
     * @param store    held key (tenant, then a sequence number) to the create's record time, key and bytes, the task's changelogged store
     * @param capacity the most creates held at once
     */
    public HeldCreates(KeyValueStore<String, byte[]> store, int capacity) {
        this.store = store;
        this.capacity = capacity;
        // Restored with the task: the store's order is each tenant's order (the sequence is zero-padded).
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                int at = entry.key.lastIndexOf(SEPARATOR);
                ByteBuffer value = ByteBuffer.wrap(entry.value);
                long timestamp = value.getLong();
                byte[] key = new byte[value.getInt()];
                value.get(key);
                byte[] bytes = Arrays.copyOfRange(entry.value, value.position(), entry.value.length);
                byTenant.computeIfAbsent(entry.key.substring(0, at), ignored -> new ArrayDeque<>())
                        .addLast(new Held(entry.key, new String(key, StandardCharsets.UTF_8), timestamp, bytes, null));
                size++;
                sequence = Math.max(sequence, Long.parseLong(entry.key.substring(at + 1)) + 1);
            }
        }
    }

    /** True when one more create may be held. */
    public boolean hasRoom() {
        return size < capacity;
    }

    /** Holds a create of {@code tenant} behind the ones held before it (see {@link #hasRoom}). */
    public void hold(String tenant, String key, long timestamp, byte[] bytes, ScheduleCommand command) {
        String storeKey = tenant + SEPARATOR + String.format("%019d", sequence++);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        store.put(storeKey, ByteBuffer.allocate(Long.BYTES + Integer.BYTES + keyBytes.length + bytes.length)
                .putLong(timestamp).putInt(keyBytes.length).put(keyBytes).put(bytes).array());
        byTenant.computeIfAbsent(tenant, ignored -> new ArrayDeque<>()).addLast(new Held(storeKey, key, timestamp, bytes, command));
        size++;
    }

    /** The tenant's oldest held create, still held; null when none is. */
    public Held first(String tenant) {
        ArrayDeque<Held> held = byTenant.get(tenant);
        return held == null ? null : held.peekFirst();
    }

    /** Lets the tenant's oldest held create go (it was applied, sent to the quota or set aside). */
    public void release(String tenant) {
        ArrayDeque<Held> held = byTenant.get(tenant);
        Held first = held.pollFirst();
        store.delete(first.storeKey());
        size--;
        if (held.isEmpty()) {
            byTenant.remove(tenant);
        }
    }

    /** The tenants holding creates now. */
    public List<String> tenants() {
        return List.copyOf(byTenant.keySet());
    }

    /** How many creates are held now. */
    public int size() {
        return size;
    }
}
