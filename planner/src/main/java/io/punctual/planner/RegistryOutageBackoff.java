package io.punctual.planner;

import java.time.Duration;

/** Doubling pauses, 1 s up to 30 s, between attempts to process again while the schema registry is unavailable. */
final class RegistryOutageBackoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);

    /** A failure this long after the previous one belongs to a new outage: start again from the first pause. */
    private static final long NEW_OUTAGE_NANOS = MAX.multipliedBy(4).toNanos();

    private Duration current = Duration.ZERO;
    private long lastNanos;

    synchronized Duration next() {
        long now = System.nanoTime();
        if (now - lastNanos > NEW_OUTAGE_NANOS) {
            current = Duration.ZERO;
        }
        lastNanos = now;
        current = current.isZero() ? FIRST : current.multipliedBy(2);
        if (current.compareTo(MAX) > 0) {
            current = MAX;
        }
        return current;
    }

    synchronized void reset() {
        current = Duration.ZERO;
    }

    void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
