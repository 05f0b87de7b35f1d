package io.punctual.bench.headline;

/**
 * Epoch time in microseconds: the system clock read once, advanced by the monotonic clock, so arrival times are
 * finer than the millisecond and comparable with due times set from the system clock (same machine).
 */
final class WallClock {
    private static final long BASE_NANOS = System.nanoTime();
    // Read to the microsecond: a base cut to the millisecond ran up to 1 ms behind, so arrivals looked up to 1 ms early.
    private static final long BASE_MICROS = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, java.time.Instant.now());

    private WallClock() {
    }

    static long micros() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1000;
    }

    static long millis() {
        return micros() / 1000;
    }

    /**
     * How far the system clock is ahead of this clock, in milliseconds: near 0 unless the system clock stepped since
     * this class was loaded (on a virtual machine, after a pause the guest's clock catches up at once). Due times are
     * set from the system clock and arrivals read from this one, so a step makes every lag and every rate timed from a
     * due second off by its size.
     */
    static long systemAheadMillis() {
        return System.currentTimeMillis() - millis();
    }
}
