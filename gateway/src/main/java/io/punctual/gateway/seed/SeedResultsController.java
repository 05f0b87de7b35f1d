package io.punctual.gateway.seed;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.punctual.gateway.auth.Caller;
import io.punctual.gateway.auth.Callers;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.gateway.view.ScheduleView;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.config.ConfigKeys;

import java.util.List;

/** Door 2's {@code /results}: what was delivered, which outlives the one-time schedules that produced it. */
@Controller("/results")
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
@Produces(MediaType.APPLICATION_JSON)
@ExecuteOn(TaskExecutors.BLOCKING)
public class SeedResultsController {
    private final Callers callers;
    private final GatewayViews views;

    public SeedResultsController(Callers callers, GatewayViews views) {
        this.callers = callers;
        this.views = views;
    }

    @Get
    public ArrayNode all(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        Caller caller = callers.fromAuthorization(authorization);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        ScheduleView schedules = views.schedules();
        for (ExecutionResult r : views.runs().runsOfTenant(caller.tenant())) {
            if (SeedJson.isExecution(r)) {
                out.add(SeedJson.result(r, schedules.get(r.getScheduleId()).orElse(null)));
            }
        }
        return out;
    }

    /** The latest execution of the schedule. */
    @Get("/{scheduleId}")
    public ObjectNode one(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String scheduleId) {
        Caller caller = callers.fromAuthorization(authorization);
        ScheduleView schedules = views.schedules();
        var owner = views.runs().tenantOf(scheduleId)
                .or(() -> schedules.get(scheduleId).map(s -> s.getSpec().getTenant()));
        if (owner.isPresent() && !owner.get().equals(caller.tenant())) {
            throw new ApiProblem(ProblemType.FORBIDDEN, "Access denied: this schedule was not created with your API key");
        }
        List<ExecutionResult> runs = views.runs().runsOf(scheduleId, caller.tenant()).stream().filter(SeedJson::isExecution).toList();
        if (runs.isEmpty()) {
            throw new ApiProblem(ProblemType.NOT_FOUND, "No results for schedule " + scheduleId);
        }
        return SeedJson.result(runs.get(0), schedules.get(scheduleId).orElse(null));
    }
}
