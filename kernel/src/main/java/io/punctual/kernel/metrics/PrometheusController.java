package io.punctual.kernel.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * {@code GET /prometheus}: every meter of this process in Prometheus' text format (the README's "Operating Punctual"
 * lists them). Its own controller rather than micronaut-management's endpoint, whose /health would collide with ours.
 */
@Controller("/prometheus")
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
