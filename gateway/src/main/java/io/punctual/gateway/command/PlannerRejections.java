package io.punctual.gateway.command;

import io.punctual.gateway.problem.ApiProblem;
import io.punctual.gateway.problem.FieldError;
import io.punctual.gateway.problem.ProblemType;
import io.punctual.schemas.CommandResult;
import io.punctual.schemas.command.Reasons;

import java.util.List;

/** Turns the planner's machine-readable rejection reasons into problems naming the request field at fault. */
public final class PlannerRejections {
    private PlannerRejections() {
    }

    public static ApiProblem toProblem(CommandResult result) {
        String reason = result.getReason() == null ? "rejected" : result.getReason();
        String message = result.getMessage() == null ? "The planner rejected the command (" + reason + ")." : result.getMessage();
        return switch (reason) {
            case Reasons.INVALID_CRON -> field("schedule.expression", message);
            case Reasons.INVALID_TIMEZONE -> field("schedule.timezone", message);
            case Reasons.IN_THE_PAST -> field("schedule.at", message);
            case Reasons.NOT_FOUND -> new ApiProblem(ProblemType.NOT_FOUND, message);
            case Reasons.VERSION_CONFLICT -> new ApiProblem(ProblemType.VERSION_CONFLICT, message);
            case Reasons.ALREADY_EXISTS -> new ApiProblem(ProblemType.CONFLICT, message);
            // The planner counts each tenant's live schedules atomically, so its refusal is the quota's word.
            case Reasons.QUOTA_EXCEEDED -> new ApiProblem(ProblemType.QUOTA_EXCEEDED, message, List.of(new FieldError("max_schedules", message)));
            default -> new ApiProblem(ProblemType.VALIDATION, message);
        };
    }

    private static ApiProblem field(String field, String message) {
        return new ApiProblem(ProblemType.VALIDATION, message, List.of(new FieldError(field, message)));
    }
}
