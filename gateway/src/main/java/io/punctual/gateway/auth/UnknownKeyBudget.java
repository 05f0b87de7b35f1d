package io.punctual.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.punctual.gateway.GatewayConfig;
import io.punctual.gateway.limits.TenantRateLimiter;
import io.punctual.gateway.limits.TokenBucket;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * How many keys this gateway has never verified it may ask Letta about: a token bucket over all clients and one
 * per client address. A key that has not been verified yet says nothing about who is calling (anyone can make one
 * up), so it cannot have a bucket of its own; without this budget every random key would cost a Letta call.
 * Over budget, the request is refused with 429 and {@code Retry-After} before Letta is asked. Keys already
 * verified (accepted or refused) never spend from it, so a flood of random keys does not lock out known tenants.
 */
@Singleton
public class UnknownKeyBudget {
    private final TokenBucket global;
    private final double perAddressPerSecond;
    private final double perAddressBurst;
    private final Cache<String, TokenBucket> perAddress;

    @Inject
    public UnknownKeyBudget(GatewayConfig config) {
        this(config.getAuth().getUnknownKeys().getPerSecond(), config.getAuth().getUnknownKeys().getBurst(),
                config.getAuth().getUnknownKeys().getPerAddressPerSecond(), config.getAuth().getUnknownKeys().getPerAddressBurst(),
                config.getRateLimit().getMaxBuckets());
    }

    public UnknownKeyBudget(double perSecond, double burst, double perAddressPerSecond, double perAddressBurst, long maxBuckets) {
        this.global = perSecond > 0 ? new TokenBucket(perSecond, burst) : null;
        this.perAddressPerSecond = perAddressPerSecond;
        this.perAddressBurst = perAddressBurst;
        Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(maxBuckets);
        if (perAddressPerSecond > 0) {
            builder.expireAfterAccess(TokenBucket.refillTime(perAddressPerSecond, perAddressBurst));
        }
        this.perAddress = builder.build();
    }

    /** Spends one check for a request from {@code clientAddress}, or throws a 429 problem. */
    void acquire(String clientAddress) {
        if (perAddressPerSecond > 0) {
            long wait = perAddress.get(clientAddress, a -> new TokenBucket(perAddressPerSecond, perAddressBurst)).take();
            if (wait > 0) {
                long seconds = TokenBucket.retryAfterSeconds(wait);
                throw new TenantRateLimiter.RateLimited(seconds, "Too many new API keys from your address; retry after " + seconds + " s.");
            }
        }
        if (global != null) {
            long wait = global.take();
            if (wait > 0) {
                long seconds = TokenBucket.retryAfterSeconds(wait);
                throw new TenantRateLimiter.RateLimited(seconds, "Too many new API keys are being checked right now; retry after " + seconds + " s.");
            }
        }
    }
}
