package io.punctual.planner.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.planner.retry.RetryTimer;
import io.punctual.schemas.DueEvent;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.OverlapPolicy;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.WebhookTarget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The notifications a schedule's {@code notify_webhook} receives: a fire failed for good, a Letta run failed, the
 * schedule was paused after failures. Each is a due event to that webhook (so the executor delivers it like a
 * webhook target: signed, retried, at least once) with a deterministic id, the idempotency key a receiver
 * de-duplicates on: {@code <schedule id>!notify:<kind>:<fire id>#<attempt>}.
 */
public final class Notifications {
    static final String FIRE_FAILED = "fire_failed";
    static final String RUN_FAILED = "run_failed";
    static final String AUTO_PAUSED = "auto_paused";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Notifications() {
    }

    /**
     * What a result calls for, given the schedule's state before and after it was applied. Nothing when the
     * schedule has no notify_webhook or the result is itself a notification's.
     */
    public static List<DueEvent> after(ExecutionResult result, ScheduleState before, ScheduleState after, Instant now) {
        List<DueEvent> out = new ArrayList<>();
        if (after.getSpec().getNotifyWebhook() == null || result.getNotification() != null) {
            return out;
        }
        boolean runFailed = result.getRunEnd() && ("failed".equals(result.getLettaRunStatus()) || "cancelled".equals(result.getLettaRunStatus()));
        if (runFailed) {
            out.add(of(after, RUN_FAILED, result, result.getDetail(), now));
        } else if (result.getOutcome() == Outcome.FAILED) {
            out.add(of(after, FIRE_FAILED, result, result.getDetail(), now));
        }
        if (before.getStatus() == ScheduleStatus.ACTIVE && after.getStatus() == ScheduleStatus.PAUSED) {
            out.add(of(after, AUTO_PAUSED, result, after.getPausedNote(), now));
        }
        return out;
    }

    /** The next attempt of a notification whose delivery failed; empty if the schedule no longer has a notify_webhook. */
    public static Optional<DueEvent> retry(ScheduleState state, RetryTimer timer, Instant now) {
        WebhookTarget webhook = state.getSpec().getNotifyWebhook();
        if (webhook == null) {
            return Optional.empty();
        }
        return Optional.of(event(state, webhook, timer.fireId(), timer.scheduledFor(), timer.attempt(), timer.notification(), now));
    }

    private static DueEvent of(ScheduleState state, String kind, ExecutionResult result, String detail, Instant now) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "punctual.notification");
        body.put("kind", kind);
        body.put("schedule_id", state.getScheduleId());
        body.put("tenant", state.getSpec().getTenant());
        body.put("fire_id", result.getFireId());
        body.put("attempt", result.getAttempt());
        body.put("scheduled_for", result.getScheduledFor().toString());
        body.put("letta_run_id", result.getLettaRunId());
        body.put("letta_run_status", result.getLettaRunStatus());
        body.put("detail", detail);
        body.put("status", state.getStatus().name().toLowerCase(Locale.ROOT));
        body.put("at", now.toString());
        String id = state.getScheduleId() + "!notify:" + kind + ":" + result.getFireId() + "#" + result.getAttempt();
        return event(state, state.getSpec().getNotifyWebhook(), id, now, 1, body.toString(), now);
    }

    private static DueEvent event(ScheduleState state, WebhookTarget webhook, String id, Instant scheduledFor, int attempt, String body, Instant now) {
        return DueEvent.newBuilder()
                .setFireId(id)
                .setScheduleId(state.getScheduleId())
                .setTenant(state.getSpec().getTenant())
                .setScheduledFor(scheduledFor)
                .setEmittedAt(now)
                .setAttempt(attempt)
                .setTarget(WebhookTarget.newBuilder(webhook).setBodyJson(body).build())
                .setOverlap(OverlapPolicy.ALLOW)
                .setRetry(state.getSpec().getRetry())
                .setNotification(body)
                .build();
    }
}
