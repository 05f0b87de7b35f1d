package io.punctual.gateway.v1;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.punctual.gateway.auth.Caller;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.schemas.ExecutionResult;
import io.punctual.kernel.config.ConfigKeys;

import java.util.List;

/** {@code GET /v1/runs/{fire_id}}: one fire, its latest attempt first and every attempt listed. */
@Controller("/v1/runs")
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
@Produces(MediaType.APPLICATION_JSON)
@ExecuteOn(TaskExecutors.BLOCKING)
public class RunsController {
    private final GatewayViews views;

    public RunsController(GatewayViews views) {
        this.views = views;
    }

    @Get("/{fireId}")
    public RunJson.WithAttempts run(Caller caller, @PathVariable String fireId) {
        List<ExecutionResult> attempts = views.runs().attemptsOf(fireId, caller.tenant());
        if (attempts.isEmpty()) {
            throw new ApiProblem(ProblemType.NOT_FOUND, "No run " + fireId + " exists for this API key.");
        }
        return new RunJson.WithAttempts(RunJson.of(attempts.get(0)), attempts.stream().map(RunJson::of).toList());
    }
}
