package io.punctual.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.schemas.secrets.KeyMaterial;
import io.punctual.schemas.secrets.TenantIds;
import jakarta.inject.Singleton;

/** Resolves the caller of a request from its {@code Authorization: Bearer <Letta API key>} header. */
@Singleton
public class Callers {
    private static final String BEARER = "Bearer ";

    private final TenantIds tenantIds;

    public Callers(KeyMaterial keys) {
        this.tenantIds = keys.tenantIds();
    }

    public Caller fromAuthorization(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new ApiProblem(ProblemType.UNAUTHENTICATED, "Send your Letta API key as 'Authorization: Bearer <key>'.");
        }
        return fromKey(authorization.substring(BEARER.length()).trim());
    }

    public Caller fromKey(@Nullable String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new ApiProblem(ProblemType.UNAUTHENTICATED, "The Letta API key is empty.");
        }
        return new Caller(apiKey, tenantIds.of(apiKey));
    }
}
