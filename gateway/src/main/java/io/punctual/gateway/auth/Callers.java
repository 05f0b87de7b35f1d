package io.punctual.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.limits.TenantRateLimiter;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.schemas.secrets.KeyMaterial;
import io.punctual.schemas.secrets.TenantIds;
import jakarta.inject.Singleton;

/**
 * Resolves the caller of a request from its {@code Authorization: Bearer <Letta API key>} header (or a key given
 * in the body, as the seed-compatible API allows): the key must be one Letta accepts, and the tenant must be
 * within its rate limit.
 */
@Singleton
public class Callers {
    private static final String BEARER = "Bearer ";

    private final TenantIds tenantIds;
    private final LettaKeyVerifier verifier;
    private final TenantRateLimiter rateLimiter;

    public Callers(KeyMaterial keys, LettaKeyVerifier verifier, TenantRateLimiter rateLimiter) {
        this.tenantIds = keys.tenantIds();
        this.verifier = verifier;
        this.rateLimiter = rateLimiter;
    }

    public Caller fromAuthorization(@Nullable String authorization) {
        String key = bearerKey(authorization);
        if (key == null) {
            throw new ApiProblem(ProblemType.UNAUTHENTICATED, "Send your Letta API key as 'Authorization: Bearer <key>'.");
        }
        return fromKey(key);
    }

    /** The bearer key of the header, or null if there is none. */
    @Nullable
    public static String bearerKey(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String key = authorization.substring(BEARER.length()).trim();
        return key.isEmpty() ? null : key;
    }

    public Caller fromKey(@Nullable String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new ApiProblem(ProblemType.UNAUTHENTICATED, "The Letta API key is empty.");
        }
        String tenant = tenantIds.of(apiKey);
        // Rate-limit before asking Letta, so a flood of bad keys cannot become a flood of Letta calls.
        rateLimiter.acquire(tenant);
        if (!verifier.isValid(apiKey, tenant)) {
            throw new ApiProblem(ProblemType.UNAUTHENTICATED, "Letta does not accept this API key.");
        }
        return new Caller(apiKey, tenant);
    }
}
