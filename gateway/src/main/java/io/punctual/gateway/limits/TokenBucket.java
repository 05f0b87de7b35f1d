package io.punctual.gateway.limits;

import java.time.Duration;

/** A token bucket: {@code burst} tokens at most, refilled at {@code perSecond}. Thread-safe. */
public final class TokenBucket {
    private final double perSecond;
    private final double burst;
    private double tokens;
    private long lastNanos = System.nanoTime();

    public TokenBucket(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    /** 0 if a token was taken, else the milliseconds until one is available. */
    public synchronized long take() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / perSecond * 1000);
    }

    /**
     * How long an untouched bucket takes to be full again: after that, dropping it and starting a fresh one
     * (which starts full) loses nothing, so it is how long a cache must keep an idle bucket.
     */
    public static Duration refillTime(double perSecond, double burst) {
        return Duration.ofMillis(Math.max(1000, (long) Math.ceil(burst / perSecond * 1000)));
    }

    /** Whole seconds to wait for {@code millis}, at least 1: the value of a Retry-After header. */
    public static long retryAfterSeconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
