package io.punctual.executor.letta;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.http.client.HttpClient;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * The one Netty client every Letta and webhook call of the executor goes through: one pool of {@code max-in-flight}
 * keep-alive connections ({@link LettaHttpClientConfiguration}). Made with {@link HttpClient#create} rather than
 * injected with {@code @Client}, so that the context's client filters do not run on every delivery: with absolute
 * URIs Micronaut resolved the filters per request and its metrics filter timed each one, together about 16 % of the
 * event loop's samples in the executor's profile. The executor's own meters ({@code punctual.fire.lag.sent},
 * {@code punctual.executor.deliveries}) cover every delivery; {@code http.client.requests} does not.
 */
@Factory
public class DeliveryHttpClient {
    /** The qualifier of the executor's delivery client. */
    public static final String NAME = "punctual-delivery";

    @Singleton
    @Named(NAME)
    @Bean(preDestroy = "close")
    HttpClient deliveryClient(LettaHttpClientConfiguration configuration) {
        return HttpClient.create(null, configuration);
    }
}
