package io.punctual.gateway.limits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantRateLimiterTest {

    @Test
    void bucketsAreBoundedAndANewTenantDoesNotResetAnother() {
        TenantRateLimiter limiter = new TenantRateLimiter(0.001, 2, 50);
        limiter.acquire("t_busy");
        limiter.acquire("t_busy");
        for (int i = 0; i < 49; i++) {
            limiter.acquire("t_" + i);
        }
        assertThat(limiter.bucketCount()).isLessThanOrEqualTo(50);
        // The old map cleared every bucket once full, handing t_busy a fresh, full bucket.
        assertThatThrownBy(() -> limiter.acquire("t_busy")).isInstanceOf(TenantRateLimiter.RateLimited.class);
        for (int i = 0; i < 5_000; i++) {
            limiter.acquire("t_more_" + i);
        }
        assertThat(limiter.bucketCount()).isLessThanOrEqualTo(50);
    }
}
