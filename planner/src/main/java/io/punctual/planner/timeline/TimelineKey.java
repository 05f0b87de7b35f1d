package io.punctual.planner.timeline;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Key of the time-ordered stores (timeline and retry timers): the time as 8 big-endian bytes of epoch millis, then an id
 * (the schedule id on the timeline, the timer id for retries) in UTF-8.
 * RocksDB orders keys byte by byte, so entries sort by time first (for non-negative millis, which are the only
 * ones the planner indexes) and a scan from the start stops at the first entry that is not due.
 */
public record TimelineKey(Instant fireAt, String scheduleId) {
    static final int TIME_BYTES = Long.BYTES;

    public TimelineKey {
        if (fireAt.toEpochMilli() < 0) {
            // Negative millis would sort after every positive one and never be seen by a scan from the start.
            throw new IllegalArgumentException("Fire times before 1970 cannot be indexed: " + fireAt);
        }
        if (scheduleId.isEmpty()) {
            throw new IllegalArgumentException("Schedule id must not be empty");
        }
    }

    public Bytes toBytes() {
        byte[] id = scheduleId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(TIME_BYTES + id.length).putLong(fireAt.toEpochMilli()).put(id).array());
    }

    public static TimelineKey fromBytes(Bytes bytes) {
        byte[] raw = bytes.get();
        long millis = ByteBuffer.wrap(raw, 0, TIME_BYTES).getLong();
        String id = new String(raw, TIME_BYTES, raw.length - TIME_BYTES, StandardCharsets.UTF_8);
        return new TimelineKey(Instant.ofEpochMilli(millis), id);
    }

    /** The smallest possible key: a scan from here starts at the earliest entry. */
    public static Bytes start() {
        return Bytes.wrap(new byte[TIME_BYTES]);
    }

    /**
     * An inclusive upper bound above every key with a fire time up to {@code time}: the bare time prefix of the
     * next millisecond. No stored key equals it, since every key carries a non-empty schedule id.
     */
    public static Bytes endOfMillisecond(Instant time) {
        return Bytes.wrap(ByteBuffer.allocate(TIME_BYTES).putLong(time.toEpochMilli() + 1).array());
    }
}
