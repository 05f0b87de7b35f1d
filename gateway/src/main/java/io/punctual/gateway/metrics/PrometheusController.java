package io.punctual.gateway.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;

/**
 * {@code GET /prometheus}: every meter in Prometheus' text format, among them the HTTP server's request counts and
 * latencies ({@code http_server_requests_seconds}) and the planner acknowledgement latency of writes
 * ({@code punctual_gateway_command_ack_seconds}). Its own controller rather than micronaut-management's endpoint,
 * whose /health would collide with the gateway's.
 */
@Controller("/prometheus")
@Hidden
public class PrometheusController {
    private final PrometheusMeterRegistry registry;

    public PrometheusController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Get
    public HttpResponse<String> scrape() {
        return HttpResponse.ok(registry.scrape()).contentType("text/plain; version=0.0.4; charset=utf-8");
    }
}
