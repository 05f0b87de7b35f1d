package io.punctual.bench.headline;

import java.util.Arrays;

/** Percentiles of a set of durations in microseconds. */
record Percentiles(int count, double minMs, double p50Ms, double p99Ms, double maxMs) {

    static Percentiles ofMicros(long[] values, int count) {
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return new Percentiles(count, count == 0 ? 0 : sorted[0] / 1000.0, at(sorted, 0.50), at(sorted, 0.99), count == 0 ? 0 : sorted[count - 1] / 1000.0);
    }

    private static double at(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))] / 1000.0;
    }

    String describe() {
        return String.format("p50 %s, p99 %s, max %s", ms(p50Ms), ms(p99Ms), ms(maxMs));
    }

    static String ms(double ms) {
        return ms >= 1000 ? String.format("%.2f s", ms / 1000) : String.format("%.0f ms", ms);
    }
}
