package io.punctual.planner.outcome;

import io.punctual.planner.retry.RetryTimer;
import io.punctual.planner.state.ScheduleStates;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** Turns an execution result into the schedule's next state, without touching any store. */
public final class OutcomeApplier {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeApplier.class);
    static final int DETAIL_EXCERPT = 200;

    /**
     * @param state  the schedule's current state (not null)
     * @param result the result, not seen before
     * @param now    the planner's clock
     */
    public Applied apply(ScheduleState state, ExecutionResult result, Instant now) {
        switch (result.getOutcome()) {
            case DELIVERED -> {
                if (result.getRunEnd()) {
                    // The run of a delivered fire completed (or its end is unknown): the delivery was counted already.
                    if (state.getConsecutiveFailures() == 0 && outcomeName(result).equals(String.valueOf(state.getLastOutcome()))) {
                        // Nothing a reader sees would change (the usual run end): no new state, so no write to the
                        // store and punctual.schedules, and nothing for every gateway to read.
                        return new Applied(null, Optional.empty());
                    }
                    ScheduleState next = ScheduleStates.copy(state);
                    next.setUpdatedAt(now);
                    next.setConsecutiveFailures(0);
                    next.setLastOutcome(outcomeName(result));
                    return changed(next);
                }
                if (result.getRunFollowed()) {
                    // Letta only queued it: whether the fire failed is known at its run's end, which resets or counts.
                    ScheduleState next = ScheduleStates.copy(state);
                    next.setUpdatedAt(now);
                    next.setDeliveredCount(state.getDeliveredCount() + 1);
                    next.setLastOutcome(outcomeName(result));
                    next.setLastLettaRunId(result.getLettaRunId());
                    return changed(next);
                }
                ScheduleState next = ScheduleStates.copy(state);
                next.setUpdatedAt(now);
                next.setDeliveredCount(state.getDeliveredCount() + 1);
                next.setConsecutiveFailures(0);
                next.setLastOutcome(outcomeName(result));
                next.setLastLettaRunId(result.getLettaRunId() != null ? result.getLettaRunId() : state.getLastLettaRunId());
                return changed(next);
            }
            case FAILED -> {
                int consecutive = state.getConsecutiveFailures() + 1;
                ScheduleState.Builder next = ScheduleState.newBuilder(state)
                        .setUpdatedAt(now)
                        .setFailureCount(state.getFailureCount() + 1)
                        .setConsecutiveFailures(consecutive)
                        .setLastOutcome(outcomeName(result));
                int limit = state.getSpec().getPauseAfterFailures();
                if (limit > 0 && consecutive >= limit && state.getStatus() == ScheduleStatus.ACTIVE) {
                    next.setStatus(ScheduleStatus.PAUSED).setPausedNote(pauseNote(consecutive, result.getDetail()));
                }
                return changed(next.build());
            }
            case SKIPPED_OVERLAP, SKIPPED_DUPLICATE -> {
                return changed(ScheduleState.newBuilder(state).setUpdatedAt(now).setLastOutcome(outcomeName(result)).build());
            }
            case RETRYING -> {
                // A retry changes nothing a reader sees until its final result arrives; only the timer is new.
                Instant at = result.getNextAttemptAt() != null ? result.getNextAttemptAt() : result.getFinishedAt();
                return new Applied(null, Optional.of(new RetryTimer(at, result.getScheduleId(), result.getFireId(),
                        result.getScheduledFor(), result.getAttempt() + 1, result.getManual(), now, result.getNotification())));
            }
            default -> {
                LOG.warn("Execution result {} of {} has outcome {}, which this planner does not know; ignored",
                        result.getFireId(), result.getScheduleId(), result.getOutcome());
                return new Applied(null, Optional.empty());
            }
        }
    }

    static String pauseNote(int consecutive, String detail) {
        String excerpt = detail == null || detail.isBlank() ? "none given"
                : detail.length() <= DETAIL_EXCERPT ? detail : detail.substring(0, DETAIL_EXCERPT) + "…";
        return "paused after " + consecutive + " consecutive failed fires; last error: " + excerpt;
    }

    private static String outcomeName(ExecutionResult result) {
        return result.getOutcome().name().toLowerCase(Locale.ROOT);
    }

    private static Applied changed(ScheduleState state) {
        return new Applied(state, Optional.empty());
    }
}
