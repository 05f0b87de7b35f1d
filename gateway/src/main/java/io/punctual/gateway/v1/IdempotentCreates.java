package io.punctual.gateway.v1;

import io.micronaut.context.annotation.Value;
import io.punctual.schemas.config.ConfigKeys;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Remembers the answer to each create sent with an {@code Idempotency-Key}, per tenant, so a retried create
 * (a lost response, a client restart) gets the first answer instead of a second schedule. Only successes are
 * remembered: a refused create may be corrected and sent again with the same key. Kept in this gateway's
 * memory, so the guarantee holds per gateway instance and across its lifetime (not across restarts).
 */
@Singleton
public class IdempotentCreates {
    private static final int MAX_ENTRIES = 200_000;

    private record Entry(CompletableFuture<CreatedSchedule> answer, long expiresAtNanos) {
    }

    /** What a create answered. */
    public record CreatedSchedule(String scheduleId, long version, String body) {
    }

    private final long ttlNanos;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public IdempotentCreates(@Value("${" + ConfigKeys.GATEWAY_IDEMPOTENCY_TTL + ":24h}") Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    /** The first answer for this tenant and key, computing it with {@code create} if there is none. */
    public CreatedSchedule once(String tenant, String key, Supplier<CreatedSchedule> create) {
        String id = tenant + "\u0000" + key;
        long now = System.nanoTime();
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(e -> now - e.expiresAtNanos() >= 0);
        }
        Entry mine = new Entry(new CompletableFuture<>(), now + ttlNanos);
        Entry existing = entries.compute(id, (k, current) -> current == null || now - current.expiresAtNanos() >= 0 ? mine : current);
        if (existing == mine) {
            try {
                mine.answer().complete(create.get());
            } catch (RuntimeException e) {
                entries.remove(id, mine);
                mine.answer().completeExceptionally(e);
                throw e;
            }
        }
        try {
            return existing.answer().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
