package io.punctual.bench.headline;

/**
 * Epoch time in microseconds: the system clock read once, advanced by the monotonic clock, so arrival times are
 * finer than the millisecond and comparable with due times set from the system clock (same machine).
 */
final class WallClock {
    private static final long BASE_MICROS = System.currentTimeMillis() * 1000;
    private static final long BASE_NANOS = System.nanoTime();

    private WallClock() {
    }

    static long micros() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1000;
    }

    static long millis() {
        return micros() / 1000;
    }
}
