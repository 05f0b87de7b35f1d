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
 * Decides who is calling, once, for every endpoint that takes a {@link Caller} argument: the bearer key of the
 * {@code Authorization} header is verified and the tenant's rate limit spent by {@link Callers#fromAuthorization}
 * (401, 403 or 429 problems as before). Postponed, so Micronaut binds it after the filters, on the executor the
 * route runs on ({@code @ExecuteOn(BLOCKING)} on every controller), never on the event loop: verifying a key may
 * ask Letta. A problem thrown here is answered by the same exception handler as one thrown by the controller.
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
        Caller caller = callers.get().fromAuthorization(source.getHeaders().get(HttpHeaders.AUTHORIZATION));
        return () -> Optional.of(caller);
    }
}
