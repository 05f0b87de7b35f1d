package io.punctual.bench.headline;

/**
 * Epoch time in microseconds: the system clock read once, advanced by the monotonic clock, so arrival times are
 * finer than the millisecond and comparable with due times set from the system clock (same machine).
 */
final class WallClock {
    /** The system clock and the monotonic clock read together: where this clock starts from. */
    private record Base(long nanos, long micros) {
        static Base now() {
            // Read to the microsecond: a base cut to the millisecond ran up to 1 ms behind, so arrivals looked up to 1 ms early.
            return new Base(System.nanoTime(), java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, java.time.Instant.now()));
        }
    }

    private static volatile Base base = Base.now();

    private WallClock() {
    }

    static long micros() {
        Base b = base;
        return b.micros() + (System.nanoTime() - b.nanos()) / 1000;
    }

    /**
     * Starts this clock from the system clock again, before a row: a step of the system clock during an earlier row
     * (which that row reports) would otherwise offset every later row's lags by its size. Call only while nothing
     * is being timed.
     */
    static void rebase() {
        base = Base.now();
    }

    static long millis() {
        return micros() / 1000;
    }

    /**
     * How far the system clock is ahead of this clock, in milliseconds: near 0 unless the system clock stepped since
     * this clock was last based on it (on a virtual machine, after a pause the guest's clock catches up at once). Due times are
     * set from the system clock and arrivals read from this one, so a step makes every lag and every rate timed from a
     * due second off by its size.
     */
    static long systemAheadMillis() {
        return System.currentTimeMillis() - millis();
    }
}
