package io.punctual.cadence;

import java.time.Instant;

/** Interval fires: anchor + k * every for k >= 0, computed from the anchor each time so they never drift. */
final class IntervalSequence {
    private IntervalSequence() {
    }

    /** The first fire strictly after {@code after}. */
    static Instant next(Instant anchor, long everyMs, Instant after) {
        long a = anchor.toEpochMilli();
        long t = after.toEpochMilli();
        if (t < a) {
            return anchor;
        }
        long k = Math.floorDiv(t - a, everyMs) + 1;
        return Instant.ofEpochMilli(a + k * everyMs);
    }
}
