package io.punctual.gateway.auth;

import io.micronaut.context.BeanProvider;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.MethodBasedRouteInfo;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides who is calling before a route that takes a {@link Caller} runs, without holding a thread: a key this
 * gateway knows is resolved at once on the event loop (a keyed hash, two cache look-ups and the tenant's token
 * bucket), and a key Letta must be asked about holds its request until Letta answers, with no thread waiting
 * ({@link LettaKeyVerifier}). The caller is kept as a request attribute, which {@link CallerBinder} hands to the
 * route. A 401, 403, 429 or 503 problem fails the filter and is answered by the same exception handler as one
 * thrown by a controller.
 *
 * <p>Why here and not in the binder: a binder must answer at once, so an unknown key held a thread of the route's
 * pool while Letta answered; routes could then only run on a pool that grows without bound (Micronaut's blocking
 * pool), whose hand-offs cost creates a fifth of the request threads' CPU. Resolved here, routes that never block
 * otherwise (creates) can run on a small fixed pool ({@code CreateThreads}).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class CallerFilter {
    /** The request attribute holding the resolved caller. */
    static final String ATTRIBUTE = "punctual.caller";
    private static final Argument<Caller> TYPE = Argument.of(Caller.class);

    private final BeanProvider<Callers> callers;
    /** Whether each route takes a {@link Caller} (a handful of routes, looked up on every request). */
    private final Map<RouteInfo<?>, Boolean> takesCaller = new ConcurrentHashMap<>();

    public CallerFilter(BeanProvider<Callers> callers) {
        this.callers = callers;
    }

    @RequestFilter
    public CompletableFuture<HttpRequest<?>> resolveCaller(HttpRequest<?> request) {
        RouteInfo<?> route = RouteAttributes.getRouteInfo(request).orElse(null);
        if (route == null || !takesCaller.computeIfAbsent(route, CallerFilter::hasCallerArgument)) {
            return CompletableFuture.completedFuture(request);
        }
        return callers.get()
                .fromAuthorizationAsync(request.getHeaders().get(HttpHeaders.AUTHORIZATION), Callers.clientAddress(request))
                .thenApply(caller -> {
                    request.setAttribute(ATTRIBUTE, caller);
                    return request;
                });
    }

    private static boolean hasCallerArgument(RouteInfo<?> route) {
        if (route instanceof MethodBasedRouteInfo<?, ?> method) {
            for (Argument<?> argument : method.getTargetMethod().getArguments()) {
                if (TYPE.getType().equals(argument.getType())) {
                    return true;
                }
            }
        }
        return false;
    }
}
