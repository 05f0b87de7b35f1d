package io.punctual.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.punctual.gateway.GatewayConfig;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.Failures;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.config.SharedConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks Letta whether an API key is valid ({@code GET /v1/agents/?limit=1}, the cheapest authenticated call) and
 * remembers the answer, so a burst of requests costs one Letta call. Entries are keyed by the tenant id (a keyed
 * hash), so the key itself is never held. Concurrent first requests for one key share one Letta call.
 *
 * <p>Accepted and refused keys live in two separate bounded caches (Caffeine, least used evicted first), so
 * made-up keys can only ever push out other made-up keys, never a tenant Letta accepted. A key never verified
 * spends from the {@link UnknownKeyBudget} before Letta is asked; a tenant accepted before and due for a re-check
 * does not (its requests are limited by its own rate-limit bucket).
 *
 * <p>A re-check never holds a known tenant's requests: once its verdict is older than {@code valid-ttl}, requests
 * are still let through on it for up to another {@code valid-ttl} while one re-check runs in the background
 * (stale-while-revalidate). Holding them made every request of a busy tenant wait for Letta every 5 minutes, which
 * capped the gateway's read rate. A key Letta has since revoked is refused as soon as that re-check answers; only
 * a verdict older than twice {@code valid-ttl} (Letta unreachable all that time) is checked again in the request.
 *
 * <p>No thread waits for Letta here: a check is one asynchronous call of the HTTP client, and the requests it
 * holds (the first of a new key, and any that join it) go on when it answers. Blocking checks held a thread of the
 * request pool each, so that pool had to grow without bound (see {@link CallerFilter}).
 */
@Singleton
public class LettaKeyVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(LettaKeyVerifier.class);
    /** How long a tenant that stopped calling is still known (re-checked without spending the unknown-key budget). */
    private static final Duration KNOWN_FOR = Duration.ofHours(24);

    private final HttpClient letta;
    private final UnknownKeyBudget budget;
    private final long validTtlNanos;
    /** Tenant -> System.nanoTime() of the last check Letta accepted. */
    private final Cache<String, Long> accepted;
    private final Cache<String, Boolean> refused;
    private final Map<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();

    @Inject
    public LettaKeyVerifier(@Client("${" + ConfigKeys.LETTA_BASE_URL + ":`" + SharedConfig.Letta.DEFAULT_BASE_URL + "`}") HttpClient letta,
                            UnknownKeyBudget budget, GatewayConfig config) {
        this(letta, budget, config.getAuth().getValidTtl(), config.getAuth().getInvalidTtl(), config.getAuth().getMaxAcceptedKeys(),
                config.getAuth().getMaxRefusedKeys());
    }

    public LettaKeyVerifier(HttpClient letta,
                            UnknownKeyBudget budget,
                            Duration validTtl,
                            Duration invalidTtl,
                            long maxAccepted,
                            long maxRefused) {
        this.letta = letta;
        this.budget = budget;
        this.validTtlNanos = validTtl.toNanos();
        this.accepted = Caffeine.newBuilder().maximumSize(maxAccepted)
                .expireAfterAccess(validTtl.compareTo(KNOWN_FOR) > 0 ? validTtl : KNOWN_FOR).build();
        this.refused = Caffeine.newBuilder().maximumSize(maxRefused).expireAfterWrite(invalidTtl).build();
    }

    /**
     * True if Letta accepts the key; a 503 problem if Letta cannot be asked; a 429 problem if the key is unknown
     * and the budget for checking unknown keys (over all clients, or from {@code clientAddress}) is spent.
     * Blocks while Letta is asked: call off the event loop, or use {@link #isValidAsync}.
     */
    public boolean isValid(String apiKey, String tenant, String clientAddress) {
        return Failures.join(isValidAsync(apiKey, tenant, clientAddress));
    }

    /**
     * {@link #isValid} without holding a thread: a known verdict is answered at once (an already completed future),
     * and a key Letta must be asked about completes when Letta answers, on the HTTP client's thread. The problems
     * of {@link #isValid} fail the future, unwrapped.
     */
    public CompletableFuture<Boolean> isValidAsync(String apiKey, String tenant, String clientAddress) {
        Long verifiedAt = accepted.getIfPresent(tenant);
        if (verifiedAt != null) {
            long age = System.nanoTime() - verifiedAt;
            if (age < validTtlNanos) {
                return CompletableFuture.completedFuture(Boolean.TRUE);
            }
            if (age < 2 * validTtlNanos) {
                recheckInBackground(apiKey, tenant);
                return CompletableFuture.completedFuture(Boolean.TRUE);
            }
        }
        if (verifiedAt == null && refused.getIfPresent(tenant) != null) {
            return CompletableFuture.completedFuture(Boolean.FALSE);
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> shared = inFlight.putIfAbsent(tenant, mine);
        if (shared != null) {
            return shared;
        }
        if (verifiedAt == null) {
            try {
                // Only the request that would call Letta spends: a burst with one new key costs one token.
                budget.acquire(clientAddress);
            } catch (RuntimeException e) {
                // Over the budget: every request sharing this check gets the same answer.
                inFlight.remove(tenant, mine);
                mine.completeExceptionally(e);
                return mine;
            }
        }
        check(apiKey, tenant, mine);
        return mine;
    }

    /** Starts one re-check of a known tenant's key unless one is running; its verdict replaces the stale one. */
    private void recheckInBackground(String apiKey, String tenant) {
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        if (inFlight.putIfAbsent(tenant, mine) == null) {
            check(apiKey, tenant, mine);
        }
    }

    /**
     * Asks Letta without waiting for it; once it answers, remembers the verdict (a failure, Letta unreachable,
     * leaves the verdicts as they were), lets the next request start a check of its own, then completes the verdict.
     */
    private void check(String apiKey, String tenant, CompletableFuture<Boolean> verdict) {
        CompletableFuture<Boolean> asked;
        try {
            asked = Mono.from(letta.exchange(HttpRequest.GET("/v1/agents/?limit=1").bearerAuth(apiKey)))
                    .map(response -> Boolean.TRUE)
                    .onErrorResume(LettaKeyVerifier::refusal)
                    .toFuture();
        } catch (RuntimeException e) {
            asked = CompletableFuture.failedFuture(e);
        }
        asked.whenComplete((valid, error) -> {
            if (error == null) {
                remember(tenant, valid);
            }
            inFlight.remove(tenant, verdict);
            if (error == null) {
                verdict.complete(valid);
            } else {
                verdict.completeExceptionally(Failures.unwrap(error));
            }
        });
    }

    /** How many accepted tenants are remembered (for tests). */
    long acceptedCount() {
        accepted.cleanUp();
        return accepted.estimatedSize();
    }

    /** False for a key Letta refused (401, 403); a 503 problem for any other failure, never a pass. */
    private static Mono<Boolean> refusal(Throwable e) {
        if (e instanceof HttpClientResponseException refused) {
            int status = refused.getStatus().getCode();
            if (status == 401 || status == 403) {
                return Mono.just(Boolean.FALSE);
            }
            LOG.warn("Letta answered {} to a key check; refusing the request with 503", status);
            return Mono.error(new ApiProblem(ProblemType.UNAVAILABLE, "Letta answered " + status
                    + " when asked to check the API key; try again later."));
        }
        // Never let a request through unchecked: an unreachable Letta is the caller's 503, not a pass.
        LOG.warn("Letta could not be reached to check a key: {}", e.getClass().getSimpleName());
        return Mono.error(new ApiProblem(ProblemType.UNAVAILABLE, "Letta could not be reached to check the API key; try again later."));
    }

    private void remember(String tenant, boolean valid) {
        if (valid) {
            refused.invalidate(tenant);
            accepted.put(tenant, System.nanoTime());
        } else {
            accepted.invalidate(tenant);
            refused.put(tenant, Boolean.TRUE);
        }
    }
}
