package io.punctual.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.punctual.gateway.GatewayConfig;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * A token bucket per tenant: {@code burst} requests at once, refilled at {@code perSecond}. Over it: 429.
 * Only tenants whose key Letta accepted get a bucket (see {@code Callers}), so random keys cannot crowd them out.
 * The buckets are a bounded cache: an idle bucket is dropped once it would be full again (nothing is lost), and
 * when more than {@code max-buckets} tenants are active at once the least used are evicted, never all.
 */
@Singleton
public class TenantRateLimiter {
    private final double perSecond;
    private final double burst;
    private final Cache<String, TokenBucket> buckets;

    @Inject
    public TenantRateLimiter(GatewayConfig config) {
        this(config.getRateLimit().getPerSecond(), config.getRateLimit().getBurst(), config.getRateLimit().getMaxBuckets());
    }

    public TenantRateLimiter(double perSecond, double burst, long maxBuckets) {
        this.perSecond = perSecond;
        this.burst = burst;
        Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(maxBuckets);
        if (perSecond > 0) {
            builder.expireAfterAccess(TokenBucket.refillTime(perSecond, burst));
        }
        this.buckets = builder.build();
    }

    /** Takes one token of the tenant's bucket, or throws a 429 problem saying when the next one is there. */
    public void acquire(String tenant) {
        if (perSecond <= 0) {
            return;
        }
        long waitMillis = buckets.get(tenant, t -> new TokenBucket(perSecond, burst)).take();
        if (waitMillis > 0) {
            long seconds = TokenBucket.retryAfterSeconds(waitMillis);
            throw new RateLimited(seconds, "This API key made too many requests; retry after " + seconds + " s.");
        }
    }

    /** How many tenants have a bucket now (for tests and metrics). */
    long bucketCount() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    /** A 429 problem carrying the seconds a client should wait (answered as Retry-After). */
    public static final class RateLimited extends ApiProblem {
        private final long retryAfterSeconds;

        public RateLimited(long retryAfterSeconds, String detail) {
            super(ProblemType.RATE_LIMITED, detail);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
