package io.punctual.planner.quota;

import io.punctual.schemas.ScheduleCommand;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Commands the planner sent to the quota, as decoded and checked then, by schedule id: their admitted copy comes back
 * as the same bytes and is not decoded, nor its spec checked ({@code SpecGuard}, which decrypts the Letta key), a
 * second time. Decoding and checking each create, twice, was a fifth of the stream thread's samples with the quota on.
 *
 * <p>A copy is taken only if its bytes are the ones remembered, so what comes back is what was checked. Bounded: the
 * oldest entry goes first, and a command whose entry is gone (evicted, replaced by a later command for the same
 * schedule, or lost with a restart) is decoded and checked again, as before. With creates arriving as they are made
 * (256 in flight at the gateway) every admitted copy was found, a few dozen waiting at a time; in a backlog of 200,000
 * produced at once, more wait than it holds, and about a third were found.
 */
public final class AwaitingAdmission {
    private record Entry(byte[] bytes, ScheduleCommand command) {
    }

    private final Map<String, Entry> entries;

    /** @param capacity the most commands remembered at once */
    public AwaitingAdmission(int capacity) {
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Remembers {@code command}, decoded from {@code bytes}, whose spec passed its checks, until it comes back. */
    public void sent(String scheduleId, byte[] bytes, ScheduleCommand command) {
        entries.put(scheduleId, new Entry(bytes, command));
    }

    /** The command remembered for these bytes (and forgotten now), or null when they are not the ones sent. */
    public ScheduleCommand admitted(String scheduleId, byte[] bytes) {
        Entry entry = entries.remove(scheduleId);
        return entry != null && Arrays.equals(entry.bytes(), bytes) ? entry.command() : null;
    }
}
