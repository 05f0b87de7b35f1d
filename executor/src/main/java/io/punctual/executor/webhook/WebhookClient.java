package io.punctual.executor.webhook;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.punctual.executor.letta.DeliveryHttpClient;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Sends webhook calls over the same Netty client as Letta calls (pooled keep-alive connections, the executor's
 * request timeout, no redirects: a redirect could lead past the URL policy).
 */
@Singleton
public class WebhookClient {
    private static final Argument<byte[]> BYTES = Argument.of(byte[].class);

    private final HttpClient http;

    public WebhookClient(@Named(DeliveryHttpClient.NAME) HttpClient http) {
        this.http = http;
    }

    /** Completes with the answer for any status, exceptionally only when no answer arrived. */
    CompletableFuture<WebhookAnswer> send(WebhookRequest request) {
        MutableHttpRequest<byte[]> httpRequest;
        try {
            httpRequest = "PUT".equals(request.method())
                    ? HttpRequest.PUT(request.url(), request.body())
                    : HttpRequest.POST(request.url(), request.body());
            request.headers().forEach(httpRequest::header);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return Mono.from(http.exchange(httpRequest, BYTES, BYTES))
                .map(WebhookClient::answer)
                .onErrorResume(HttpClientResponseException.class, e -> Mono.just(answer(e.getResponse())))
                .toFuture();
    }

    private static WebhookAnswer answer(HttpResponse<?> response) {
        byte[] body = response.getBody(byte[].class).orElse(new byte[0]);
        return new WebhookAnswer(response.code(), new String(body, StandardCharsets.UTF_8), response.getHeaders().get("Retry-After"));
    }
}
