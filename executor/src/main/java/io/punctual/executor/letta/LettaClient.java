package io.punctual.executor.letta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.punctual.executor.config.ExecutorSettings;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends message calls to Letta over Micronaut's Netty client, without blocking a thread per request.
 * The client has no base URL: each request carries its absolute URI, so every schedule can name its own
 * Letta server and all of them share one connection pool and event loop.
 */
@Singleton
public class LettaClient {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Argument<byte[]> BYTES = Argument.of(byte[].class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration timeout;

    public LettaClient(@Named(DeliveryHttpClient.NAME) HttpClient http, ExecutorSettings settings) {
        this.http = http;
        this.timeout = settings.requestTimeout();
    }

    /**
     * Sends the call. The future completes with Letta's answer for any HTTP status, and exceptionally only
     * when no answer arrived (connection refused, timeout, malformed URL).
     */
    CompletableFuture<LettaAnswer> send(LettaRequest request) {
        HttpRequest<byte[]> httpRequest;
        try {
            httpRequest = HttpRequest.POST(request.uri(), JSON.writeValueAsBytes(request.body()))
                    .contentType(MediaType.APPLICATION_JSON_TYPE)
                    .accept(MediaType.APPLICATION_JSON_TYPE)
                    .bearerAuth(request.apiKey())
                    .header(IDEMPOTENCY_KEY, request.idempotencyKey());
        } catch (JsonProcessingException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // The client's own request timeout (see LettaHttpClientConfiguration) ends a slow exchange and frees its
        // connection; a Reactor timeout here would only cancel the subscription and race with it.
        return Mono.from(http.exchange(httpRequest, BYTES, BYTES))
                .map(LettaClient::answer)
                // With exceptions on error status turned off this is not expected, but an answer is an answer.
                .onErrorResume(HttpClientResponseException.class, e -> Mono.just(answer(e.getResponse())))
                .onErrorMap(ReadTimeoutException.class, e -> new LettaTimeoutException(timeout))
                .toFuture();
    }

    /** {@code GET {base}/v1/runs/{id}}: the run's state, for the overlap policy. Completes like {@link #send}. */
    public CompletableFuture<LettaAnswer> run(String baseUrl, String apiKey, String runId) {
        HttpRequest<?> httpRequest;
        try {
            String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
            httpRequest = HttpRequest.GET(base + "/v1/runs/" + PathSegments.encode(runId))
                    .accept(MediaType.APPLICATION_JSON_TYPE)
                    .bearerAuth(apiKey);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return Mono.from(http.exchange(httpRequest, BYTES, BYTES))
                .map(LettaClient::answer)
                .onErrorResume(HttpClientResponseException.class, e -> Mono.just(answer(e.getResponse())))
                .onErrorMap(ReadTimeoutException.class, e -> new LettaTimeoutException(timeout))
                .toFuture();
    }

    private static LettaAnswer answer(HttpResponse<?> response) {
        byte[] body = response.getBody(byte[].class).orElse(new byte[0]);
        return new LettaAnswer(response.code(), new String(body, StandardCharsets.UTF_8), response.getHeaders().get("Retry-After"));
    }
}
