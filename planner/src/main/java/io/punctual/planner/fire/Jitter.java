package io.punctual.planner.fire;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * The delay of a fire below the schedule's jitter, derived from the fire id alone: a replay, a restart or another
 * planner instance computes the same delay. Never reaches the next fire, so fires stay in order.
 */
public final class Jitter {
    private Jitter() {
    }

    /**
     * @param fireId   the fire's id, the only source of randomness
     * @param jitterMs the schedule's jitter; 0 or less means none
     * @param nominal  the fire's nominal time
     * @param next     the schedule's next nominal fire after this one, if any
     * @return a delay in [0, jitterMs), and below next - nominal
     */
    static long delayMs(String fireId, long jitterMs, Instant nominal, Optional<Instant> next) {
        if (jitterMs <= 0) {
            return 0;
        }
        long delay = Math.floorMod(mix(fireId), jitterMs);
        if (next.isPresent()) {
            long gap = next.get().toEpochMilli() - nominal.toEpochMilli();
            delay = Math.min(delay, Math.max(0, gap - 1));
        }
        return delay;
    }

    /** FNV-1a over the UTF-8 bytes, then a 64-bit finalizer: stable across JVMs, unlike String.hashCode's spread. */
    static long mix(String fireId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : fireId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93fe1a85ec3L;
        h ^= h >>> 33;
        return h;
    }
}
