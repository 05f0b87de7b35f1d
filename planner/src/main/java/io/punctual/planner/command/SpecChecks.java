package io.punctual.planner.command;

import io.punctual.schemas.KafkaTarget;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.WebhookTarget;

/** The checks of a spec that do not depend on time; timing is the {@code NextFireCalculator}'s. */
final class SpecChecks {
    private SpecChecks() {
    }

    /** A sentence saying what is wrong with the spec, or null if nothing is. */
    static String problem(ScheduleSpec spec, String tenant) {
        if (spec == null) {
            return "The command has no spec.";
        }
        if (!tenant.equals(spec.getTenant())) {
            return "The spec's tenant differs from the schedule's tenant.";
        }
        String targetProblem = targetProblem(spec.getTarget());
        if (targetProblem != null) {
            return targetProblem;
        }
        if (spec.getCadence() == null) {
            return "The spec has no cadence.";
        }
        if (spec.getMaxRuns() != null && spec.getMaxRuns() < 1) {
            return "max_runs must be at least 1.";
        }
        if (spec.getJitterMs() < 0) {
            return "jitter must not be negative.";
        }
        if (spec.getCatchupWindowMs() < 0) {
            return "catchup_window must not be negative.";
        }
        if (spec.getPauseAfterFailures() < 0) {
            return "pause_after_failures must not be negative.";
        }
        if (spec.getRetry() == null || spec.getRetry().getMaxAttempts() < 1 || spec.getRetry().getMaxAgeMs() < 0) {
            return "retry needs max_attempts of at least 1 and a max_age that is not negative.";
        }
        return null;
    }

    private static String targetProblem(Object target) {
        if (target instanceof LettaTarget letta) {
            if (letta.getAgentId() == null || letta.getAgentId().isBlank()) {
                return "The target has no agent id.";
            }
            if (letta.getMessages() == null || letta.getMessages().isEmpty()) {
                return "The target has no messages to send.";
            }
            return null;
        }
        if (target instanceof WebhookTarget webhook) {
            return webhook.getUrl() == null || webhook.getUrl().isBlank() ? "The webhook target has no URL." : null;
        }
        if (target instanceof KafkaTarget kafka) {
            return kafka.getTopic() == null || kafka.getTopic().isBlank() ? "The Kafka target has no topic." : null;
        }
        return "The spec has no target.";
    }
}
