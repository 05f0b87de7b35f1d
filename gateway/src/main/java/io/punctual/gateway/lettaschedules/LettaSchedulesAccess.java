package io.punctual.gateway.lettaschedules;

import io.punctual.gateway.auth.Caller;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.gateway.view.GatewayViews;
import io.punctual.gateway.view.ScheduleSummary;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import jakarta.inject.Singleton;

/** The seed service's access rules: unknown is 404, someone else's is 403, an executed one-time schedule is gone. */
@Singleton
public class LettaSchedulesAccess {
    private final GatewayViews views;

    public LettaSchedulesAccess(GatewayViews views) {
        this.views = views;
    }

    ScheduleState own(Caller caller, String id, boolean recurring) {
        ScheduleState state = views.schedules().get(id).filter(s -> isOfKind(s, recurring))
                .orElseThrow(() -> LettaSchedulesController.notFound(id));
        if (!state.getSpec().getTenant().equals(caller.tenant())) {
            throw new ApiProblem(ProblemType.FORBIDDEN, "Access denied: this schedule was not created with your API key");
        }
        return state;
    }

    /** The same rule on a list's index entry. */
    static boolean isOfKind(ScheduleSummary s, boolean recurring) {
        if (s.agentId() == null) {
            return false;
        }
        return recurring ? s.type().equals("cron") : s.type().equals("once") && !s.status().equals("completed");
    }

    /** A schedule this door shows: a Letta target with a cron (recurring) or a once cadence that has not run yet. */
    static boolean isOfKind(ScheduleState s, boolean recurring) {
        if (!(s.getSpec().getTarget() instanceof LettaTarget)) {
            return false;
        }
        if (recurring) {
            return s.getSpec().getCadence() instanceof CronCadence;
        }
        return s.getSpec().getCadence() instanceof OnceCadence && s.getStatus() != ScheduleStatus.COMPLETED;
    }
}
