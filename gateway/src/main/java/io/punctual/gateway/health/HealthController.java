package io.punctual.gateway.health;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.punctual.schemas.health.ReadinessCheck;

import java.util.List;

/** {@code GET /health}: 200 once every part of this process is ready, 503 with the parts that are not. */
@Controller("/health")
// The Kafka and registry probes block for up to a few seconds: never on the event loop.
@ExecuteOn(TaskExecutors.BLOCKING)
public class HealthController {
    private final List<ReadinessCheck> checks;

    public HealthController(List<ReadinessCheck> checks) {
        this.checks = checks;
    }

    @Get
    public HttpResponse<ObjectNode> health() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode components = JsonNodeFactory.instance.objectNode();
        boolean up = true;
        for (ReadinessCheck check : checks) {
            boolean ready = check.isReady();
            up &= ready;
            components.put(check.name(), ready ? "UP" : "DOWN");
        }
        body.put("status", up ? "UP" : "DOWN");
        body.set("components", components);
        return HttpResponse.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }
}
