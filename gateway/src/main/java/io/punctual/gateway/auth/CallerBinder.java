package io.punctual.gateway.auth;

import io.micronaut.context.BeanProvider;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.PostponedRequestArgumentBinder;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Hands every endpoint that takes a {@link Caller} argument the caller {@link CallerFilter} resolved (the bearer key
 * of the {@code Authorization} header verified, the tenant's rate limit spent). Postponed, so Micronaut binds it
 * after the filters, on the executor the route runs on. Should the filter not have run for a request, the caller is
 * resolved here, blocking that executor while an unknown key is checked.
 * {@link Callers} is looked up lazily: the Letta HTTP client it needs is itself built from the binder registry.
 */
@Singleton
public class CallerBinder implements TypedRequestArgumentBinder<Caller>, PostponedRequestArgumentBinder<Caller> {
    private static final Argument<Caller> TYPE = Argument.of(Caller.class);

    private final BeanProvider<Callers> callers;

    public CallerBinder(BeanProvider<Callers> callers) {
        this.callers = callers;
    }

    @Override
    public Argument<Caller> argumentType() {
        return TYPE;
    }

    @Override
    public BindingResult<Caller> bind(ArgumentConversionContext<Caller> context, HttpRequest<?> source) {
        Caller caller = source.getAttribute(CallerFilter.ATTRIBUTE, Caller.class)
                .orElseGet(() -> callers.get().fromAuthorization(source.getHeaders().get(HttpHeaders.AUTHORIZATION)));
        return () -> Optional.of(caller);
    }
}
