package io.punctual.gateway.auth;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.schemas.config.ConfigKeys;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;

/**
 * Asks Letta whether an API key is valid ({@code GET /v1/agents/?limit=1}, the cheapest authenticated call) and
 * remembers the answer, so a burst of requests costs one Letta call. Entries are keyed by the tenant id (a keyed
 * hash), so the key itself is never held. Concurrent first requests for one key share one Letta call.
 */
@Singleton
public class LettaKeyVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(LettaKeyVerifier.class);
    private static final int MAX_ENTRIES = 100_000;

    private record Verdict(boolean valid, long expiresAtNanos) {
    }

    private final HttpClient letta;
    private final long validTtlNanos;
    private final long invalidTtlNanos;
    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();

    public LettaKeyVerifier(@Client("${" + ConfigKeys.LETTA_BASE_URL + ":`https://api.letta.com`}") HttpClient letta,
                            @Value("${" + ConfigKeys.GATEWAY_AUTH_VALID_TTL + ":5m}") Duration validTtl,
                            @Value("${" + ConfigKeys.GATEWAY_AUTH_INVALID_TTL + ":30s}") Duration invalidTtl) {
        this.letta = letta;
        this.validTtlNanos = validTtl.toNanos();
        this.invalidTtlNanos = invalidTtl.toNanos();
    }

    /** True if Letta accepts the key; a 503 problem if Letta cannot be asked. Blocks: call off the event loop. */
    public boolean isValid(String apiKey, String tenant) {
        Verdict cached = verdicts.get(tenant);
        long now = System.nanoTime();
        if (cached != null && now - cached.expiresAtNanos() < 0) {
            return cached.valid();
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> shared = inFlight.putIfAbsent(tenant, mine);
        if (shared == null) {
            try {
                boolean valid = ask(apiKey);
                remember(tenant, valid);
                mine.complete(valid);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            } finally {
                inFlight.remove(tenant, mine);
            }
            shared = mine;
        }
        try {
            return shared.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private boolean ask(String apiKey) {
        try {
            letta.toBlocking().exchange(HttpRequest.GET("/v1/agents/?limit=1").bearerAuth(apiKey));
            return true;
        } catch (HttpClientResponseException e) {
            int status = e.getStatus().getCode();
            if (status == 401 || status == 403) {
                return false;
            }
            LOG.warn("Letta answered {} to a key check; refusing the request with 503", status);
            throw new ApiProblem(ProblemType.UNAVAILABLE, "Letta answered " + status
                    + " when asked to check the API key; try again later.");
        } catch (RuntimeException e) {
            // Never let a request through unchecked: an unreachable Letta is the caller's 503, not a pass.
            LOG.warn("Letta could not be reached to check a key: {}", e.getClass().getSimpleName());
            throw new ApiProblem(ProblemType.UNAVAILABLE, "Letta could not be reached to check the API key; try again later.");
        }
    }

    private void remember(String tenant, boolean valid) {
        if (verdicts.size() >= MAX_ENTRIES) {
            long now = System.nanoTime();
            verdicts.values().removeIf(v -> now - v.expiresAtNanos() >= 0);
            if (verdicts.size() >= MAX_ENTRIES) {
                verdicts.clear();
            }
        }
        verdicts.put(tenant, new Verdict(valid, System.nanoTime() + (valid ? validTtlNanos : invalidTtlNanos)));
    }
}
