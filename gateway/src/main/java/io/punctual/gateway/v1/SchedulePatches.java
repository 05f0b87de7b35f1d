package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.gateway.body.BodyBinder;
import io.punctual.gateway.problem.ApiProblem;
import io.punctual.schemas.PatchSchedule;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.WebhookTarget;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a JSON merge patch into a {@link PatchSchedule}: the patch is applied to the schedule's writable fields,
 * the result is bound and validated exactly like a create ({@link ScheduleRequest}, {@link ScheduleBody}: one set
 * of rules, so a patch cannot produce a schedule a create would refuse), and only the fields the patch names are
 * sent, null ones as {@code clear}. The patch itself stays JSON: RFC 7386 is untyped (an absent field and a null
 * one mean different things), so it is not bound to a record.
 */
final class SchedulePatches {
    private static final Set<String> CLEARABLE = Set.of("start_at", "end_at", "max_runs");

    private SchedulePatches() {
    }

    static PatchSchedule toCommand(JsonNode patch, ScheduleSpec current, String tenant, RequestLimits limits,
                                   Sealer sealer, BodyBinder bodies) {
        if (!patch.isObject() || patch.isEmpty()) {
            throw ApiProblem.invalid("body", "must be a non-empty JSON object (a JSON merge patch of the schedule)");
        }
        if (patch.has("paused") || patch.has("paused_note")) {
            throw ApiProblem.invalid("paused", "cannot be patched; use POST .../pause or .../resume");
        }
        for (String field : List.of("retry_on_run_failure", "notify_webhook")) {
            if (patch.has(field)) {
                throw ApiProblem.invalid(field, "cannot be patched; replace the schedule (PUT) to change it");
            }
        }
        ObjectNode writable = ScheduleFields.of(current).tree();
        ObjectNode effective = patch.deepCopy();
        boolean shortForm = ScheduleBody.SHORT_FORM.stream().anyMatch(patch::has);
        if (shortForm) {
            if (patch.has("target")) {
                throw ApiProblem.invalid("target", "give either target or the short form (agent_id, messages), not both");
            }
            ObjectNode targetPatch = effective.putObject("target");
            ScheduleBody.SHORT_FORM.stream().filter(patch::has).forEach(f -> targetPatch.set(f, patch.get(f)));
            ScheduleBody.SHORT_FORM.forEach(effective::remove);
        }
        ObjectNode merged = (ObjectNode) MergePatch.apply(writable, effective);
        // An unchanged one-time instant that has passed is not the patch's fault; judge time only if it changes.
        Instant now = patch.has("schedule") || patch.has("end_at") ? Instant.now() : Instant.EPOCH;
        ScheduleSpec next = ScheduleRequest.parse(merged, tenant, limits, sealer, now, bodies).spec();

        PatchSchedule.Builder command = PatchSchedule.newBuilder();
        List<String> clear = new ArrayList<>();
        if (effective.has("target")) {
            command.setTarget(keepWebhookSecret(next.getTarget(), current.getTarget(), effective.get("target")));
        }
        if (patch.has("schedule") || patch.has("timezone")) {
            command.setCadence(next.getCadence());
        }
        if (patch.has("labels")) {
            command.setLabels(next.getLabels());
        }
        for (String field : CLEARABLE) {
            if (patch.has(field) && patch.get(field).isNull()) {
                clear.add(field);
            }
        }
        if (patch.hasNonNull("start_at")) {
            command.setStartAt(next.getStartAt());
        }
        if (patch.hasNonNull("end_at")) {
            command.setEndAt(next.getEndAt());
        }
        if (patch.hasNonNull("max_runs")) {
            command.setMaxRuns(next.getMaxRuns());
        }
        if (patch.has("catchup")) {
            command.setCatchup(next.getCatchup());
        }
        if (patch.has("catchup_window")) {
            command.setCatchupWindowMs(next.getCatchupWindowMs());
        }
        if (patch.has("jitter")) {
            command.setJitterMs(next.getJitterMs());
        }
        if (patch.has("overlap")) {
            command.setOverlap(next.getOverlap());
        }
        if (patch.has("retry")) {
            command.setRetry(next.getRetry());
        }
        if (patch.has("pause_after_failures")) {
            command.setPauseAfterFailures(next.getPauseAfterFailures());
        }
        if (patch.has("delete_after_completion")) {
            command.setDeleteAfterCompletion(next.getDeleteAfterCompletion());
        }
        return command.setClear(clear).build();
    }

    /**
     * A webhook's secret is never rendered, so the merged document lacks it: a patch that does not mention
     * {@code secret} keeps the one the schedule has; {@code "secret": null} removes it.
     */
    private static Object keepWebhookSecret(Object next, Object current, JsonNode targetPatch) {
        if (next instanceof WebhookTarget webhook && webhook.getSecretCiphertext() == null
                && current instanceof WebhookTarget previous && previous.getSecretCiphertext() != null
                && !(targetPatch != null && targetPatch.has("secret"))) {
            return WebhookTarget.newBuilder(webhook).setSecretCiphertext(previous.getSecretCiphertext()).build();
        }
        return next;
    }
}
