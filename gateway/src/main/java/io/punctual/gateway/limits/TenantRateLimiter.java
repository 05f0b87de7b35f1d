package io.punctual.gateway.limits;

import io.micronaut.context.annotation.Value;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.schemas.config.ConfigKeys;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per tenant: {@code burst} requests at once, refilled at {@code perSecond}. Over it: 429. */
@Singleton
public class TenantRateLimiter {
    private static final int MAX_BUCKETS = 100_000;

    private final double perSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public TenantRateLimiter(@Value("${" + ConfigKeys.GATEWAY_RATE_LIMIT_PER_SECOND + ":100}") double perSecond,
                             @Value("${" + ConfigKeys.GATEWAY_RATE_LIMIT_BURST + ":200}") double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes one token of the tenant's bucket, or throws a 429 problem saying when the next one is there. */
    public void acquire(String tenant) {
        if (perSecond <= 0) {
            return;
        }
        if (buckets.size() > MAX_BUCKETS) {
            // Idle tenants' buckets are full anyway; dropping them loses nothing.
            buckets.clear();
        }
        long waitMillis = buckets.computeIfAbsent(tenant, t -> new Bucket(burst)).take(perSecond, burst);
        if (waitMillis > 0) {
            long seconds = Math.max(1, (waitMillis + 999) / 1000);
            throw new RateLimited(seconds);
        }
    }

    /** A 429 problem carrying the seconds a client should wait (answered as Retry-After). */
    public static final class RateLimited extends ApiProblem {
        private final long retryAfterSeconds;

        RateLimited(long retryAfterSeconds) {
            super(ProblemType.RATE_LIMITED, "This API key made too many requests; retry after " + retryAfterSeconds + " s.");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos = System.nanoTime();

        Bucket(double tokens) {
            this.tokens = tokens;
        }

        /** 0 if a token was taken, else the milliseconds until one is available. */
        synchronized long take(double perSecond, double burst) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perSecond * 1000);
        }
    }
}
