package io.punctual.gateway.v1;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.punctual.gateway.GatewayConfig;
import io.punctual.gateway.problem.Failures;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Remembers the answer to each create sent with an {@code Idempotency-Key}, per tenant, so a retried create
 * (a lost response, a client restart) gets the first answer instead of a second schedule. Only successes are
 * remembered: a refused create may be corrected and sent again with the same key. Kept in this gateway's
 * memory, so the guarantee holds per gateway instance and across its lifetime (not across restarts). The memory
 * is a bounded cache (age limit {@code idempotency-ttl}, size limit {@code idempotency-max-entries}, least used
 * evicted first); an answer evicted early is still safe, since the schedule id is derived from the key and the
 * planner refuses a second create of it.
 */
@Singleton
public class IdempotentCreates {
    /** What a create answered. */
    record CreatedSchedule(String scheduleId, long version, ScheduleJson body) {
    }

    private final Cache<String, CompletableFuture<CreatedSchedule>> entries;

    @Inject
    public IdempotentCreates(GatewayConfig config) {
        this(config.getIdempotencyTtl(), config.getIdempotencyMaxEntries());
    }

    public IdempotentCreates(Duration ttl, long maxEntries) {
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).build();
    }

    /** The first answer for this tenant and key, computing it with {@code create} if there is none. */
    CreatedSchedule once(String tenant, String key, Supplier<CreatedSchedule> create) {
        return Failures.join(onceAsync(tenant, key, () -> CompletableFuture.completedFuture(create.get())));
    }

    /**
     * {@link #once} without holding a thread: a concurrent retry with the same key gets the first attempt's future.
     * A failure (never wrapped) is not remembered, so the key may be used again.
     */
    CompletableFuture<CreatedSchedule> onceAsync(String tenant, String key, Supplier<CompletableFuture<CreatedSchedule>> create) {
        String id = tenant + "\u0000" + key;
        CompletableFuture<CreatedSchedule> mine = new CompletableFuture<>();
        CompletableFuture<CreatedSchedule> existing = entries.get(id, k -> mine);
        if (existing == mine) {
            CompletableFuture<CreatedSchedule> started;
            try {
                started = create.get();
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((created, error) -> {
                if (error == null) {
                    mine.complete(created);
                } else {
                    entries.asMap().remove(id, mine);
                    mine.completeExceptionally(Failures.unwrap(error));
                }
            });
        }
        return existing;
    }

    /** How many answers are remembered (for tests). */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
