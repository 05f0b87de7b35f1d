package io.punctual.gateway.auth;

import io.punctual.gateway.limits.TenantRateLimiter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnknownKeyBudgetTest {

    @Test
    void oneAddressSpendsItsOwnBudgetAndAllAddressesTogetherTheGlobalOne() {
        // Global: 4 checks; per address: 2 (refills negligible during the test).
        UnknownKeyBudget budget = new UnknownKeyBudget(0.001, 4, 0.001, 2, 1000);
        budget.acquire("10.0.0.1");
        budget.acquire("10.0.0.1");
        assertThatThrownBy(() -> budget.acquire("10.0.0.1"))
                .isInstanceOf(TenantRateLimiter.RateLimited.class).hasMessageContaining("your address");
        budget.acquire("10.0.0.2");
        // The refused request of 10.0.0.1 did not spend a global check: 10.0.0.2 still gets its second one.
        budget.acquire("10.0.0.2");
        assertThatThrownBy(() -> budget.acquire("10.0.0.3"))
                .isInstanceOf(TenantRateLimiter.RateLimited.class).hasMessageContaining("right now")
                .satisfies(e -> assertThat(((TenantRateLimiter.RateLimited) e).retryAfterSeconds()).isPositive());
    }
}
