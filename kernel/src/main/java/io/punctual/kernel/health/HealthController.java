package io.punctual.kernel.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.List;
import java.util.function.Predicate;

/**
 * Health of every part of this process, for Kubernetes' probes: {@code /health/readiness} (and {@code /health})
 * answers 200 once every part can work now, 503 naming the parts that cannot; {@code /health/liveness} answers 503
 * only when a part cannot recover without a restart, so a Kafka outage takes a pod out of service without killing it.
 */
@Controller("/health")
// The Kafka and registry probes block for up to a few seconds: never on the event loop.
@ExecuteOn(TaskExecutors.BLOCKING)
public class HealthController {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<ReadinessCheck> checks;

    public HealthController(List<ReadinessCheck> checks) {
        this.checks = checks;
    }

    @Get
    public HttpResponse<String> health() {
        return readiness();
    }

    @Get("/readiness")
    public HttpResponse<String> readiness() {
        return answer(ReadinessCheck::isReady);
    }

    @Get("/liveness")
    public HttpResponse<String> liveness() {
        return answer(ReadinessCheck::isAlive);
    }

    private HttpResponse<String> answer(Predicate<ReadinessCheck> up) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode components = JsonNodeFactory.instance.objectNode();
        boolean all = true;
        for (ReadinessCheck check : checks) {
            boolean ok = up.test(check);
            all &= ok;
            components.put(check.name(), ok ? "UP" : "DOWN");
        }
        body.put("status", all ? "UP" : "DOWN");
        body.set("components", components);
        return HttpResponse.status(all ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(body.toString());
    }
}
