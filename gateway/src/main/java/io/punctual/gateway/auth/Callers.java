package io.punctual.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;
import io.punctual.gateway.limits.TenantRateLimiter;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.Failures;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.kernel.secrets.TenantIds;
import jakarta.inject.Singleton;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves the caller of a request from its {@code Authorization: Bearer <Letta API key>} header (or a key given
 * in the body, as the seed-compatible API allows): the key must be one Letta accepts, and the tenant must be
 * within its rate limit. A key is verified before it counts against a tenant's rate limit: an unverified key
 * names nobody (anyone can make one up), so it spends from the {@link UnknownKeyBudget} of the client's address
 * instead, and only tenants Letta accepted get a bucket.
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

    /** The caller of the current request; blocks while an unknown key is checked with Letta (see {@link #fromAuthorizationAsync}). */
    public Caller fromAuthorization(@Nullable String authorization) {
        return Failures.join(fromAuthorizationAsync(authorization, clientAddress()));
    }

    /**
     * The caller named by an {@code Authorization} header, without holding a thread: completed at once for a key
     * this gateway knows, when Letta answers for one it does not. Fails with the 401, 403, 429 or 503 problem.
     */
    public CompletableFuture<Caller> fromAuthorizationAsync(@Nullable String authorization, String clientAddress) {
        String key = bearerKey(authorization);
        if (key == null) {
            return CompletableFuture.failedFuture(
                    new ApiProblem(ProblemType.UNAUTHENTICATED, "Send your Letta API key as 'Authorization: Bearer <key>'."));
        }
        return fromKeyAsync(key, clientAddress);
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

    /** The caller a key names (a key given in the body); blocks while an unknown key is checked with Letta. */
    public Caller fromKey(@Nullable String apiKey) {
        return Failures.join(fromKeyAsync(apiKey, clientAddress()));
    }

    private CompletableFuture<Caller> fromKeyAsync(@Nullable String apiKey, String clientAddress) {
        if (apiKey == null || apiKey.isBlank()) {
            return CompletableFuture.failedFuture(new ApiProblem(ProblemType.UNAUTHENTICATED, "The Letta API key is empty."));
        }
        String tenant = tenantIds.of(apiKey);
        // A flood of made-up keys is held back by the unknown-key budget inside the verifier, before Letta is asked.
        CompletableFuture<Boolean> valid = verifier.isValidAsync(apiKey, tenant, clientAddress);
        if (valid.isDone() && !valid.isCompletedExceptionally()) {
            // The usual case, a key already verified: no dependent future, and a problem thrown as it is.
            try {
                return CompletableFuture.completedFuture(admit(apiKey, tenant, valid.join()));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return valid.thenApply(accepted -> admit(apiKey, tenant, accepted));
    }

    /** The caller once Letta's verdict is known: refused keys are 401, and a verified tenant spends from its rate limit. */
    private Caller admit(String apiKey, String tenant, boolean accepted) {
        if (!accepted) {
            throw new ApiProblem(ProblemType.UNAUTHENTICATED, "Letta does not accept this API key.");
        }
        rateLimiter.acquire(tenant);
        return new Caller(apiKey, tenant);
    }

    /**
     * The address the current request came from, as the budget of unknown keys counts it: an IPv4 address, or
     * the /64 prefix of an IPv6 address (one host usually holds a whole /64). The connection's peer, so behind a
     * proxy every client shares the proxy's budget.
     */
    static String clientAddress() {
        return ServerRequestContext.currentRequest().map(Callers::clientAddress).orElse("unknown");
    }

    /** {@link #clientAddress()} of a given request. */
    static String clientAddress(HttpRequest<?> request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : budgetKey(remote.getAddress());
    }

    private static String budgetKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                return address.getHostAddress();
            }
        }
        return address.getHostAddress();
    }
}
