package io.punctual.gateway.lettaschedules;

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
import io.punctual.gateway.view.ScheduleView;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.ScheduleState;
import io.punctual.kernel.config.ConfigKeys;

import java.util.ArrayList;
import java.util.List;

/**
 * Door 2's {@code /results}: the latest delivery of each schedule, which outlives the one-time schedules that
 * produced it, with the type and message the run itself carried.
 */
@Controller("/results")
@Requires(property = ConfigKeys.GATEWAY_ENABLED, notEquals = "false")
@Produces(MediaType.APPLICATION_JSON)
@ExecuteOn(TaskExecutors.BLOCKING)
public class LettaSchedulesResultsController {
    private final GatewayViews views;

    public LettaSchedulesResultsController(GatewayViews views) {
        this.views = views;
    }

    /** The latest execution of each of the caller's schedules, as that service kept one result per schedule. */
    @Get
    public List<LettaSchedulesJson.Result> all(Caller caller) {
        List<LettaSchedulesJson.Result> out = new ArrayList<>();
        ScheduleView schedules = views.schedules();
        for (ExecutionResult r : views.runs().latestOfEachSchedule(caller.tenant(), LettaSchedulesJson::isExecution)) {
            out.add(LettaSchedulesJson.result(r, fallback(r, schedules)));
        }
        return out;
    }

    /** The latest execution of the schedule. */
    @Get("/{scheduleId}")
    public LettaSchedulesJson.Result one(Caller caller, @PathVariable String scheduleId) {
        ScheduleView schedules = views.schedules();
        var owner = views.runs().tenantOf(scheduleId)
                .or(() -> schedules.get(scheduleId).map(s -> s.getSpec().getTenant()));
        if (owner.isPresent() && !owner.get().equals(caller.tenant())) {
            throw new ApiProblem(ProblemType.FORBIDDEN, "Access denied: this schedule was not created with your API key");
        }
        ExecutionResult latest = views.runs().latest(scheduleId, caller.tenant(), LettaSchedulesJson::isExecution)
                .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No results for schedule " + scheduleId));
        return LettaSchedulesJson.result(latest, fallback(latest, schedules));
    }

    /** The schedule as it is now, read only for a result written before results carried what was sent. */
    private static ScheduleState fallback(ExecutionResult r, ScheduleView schedules) {
        return r.getCadenceType() != null && r.getMessageText() != null ? null : schedules.get(r.getScheduleId()).orElse(null);
    }
}
