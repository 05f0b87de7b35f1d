package io.punctual.gateway.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.punctual.schemas.ScheduleSpec;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The writable fields of a schedule, shaped like a create request: what a merge patch applies to. Times are
 * ISO-8601 in UTC; a field without a value is null. Secrets are never shown.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
record ScheduleFields(
        TargetJson target,
        CadenceJson schedule,
        @Nullable String startAt,
        @Nullable String endAt,
        @Nullable Long maxRuns,
        String catchup,
        String catchupWindow,
        String jitter,
        String overlap,
        Retry retry,
        int pauseAfterFailures,
        boolean deleteAfterCompletion,
        boolean retryOnRunFailure,
        @Nullable NotifyWebhook notifyWebhook,
        // A map's values take their inclusion from the property, not from the class: an empty label value stays.
        @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS) Map<String, String> labels) {
    // A plain mapper: these records say their own inclusion and naming, so any Jackson renders them alike.
    static final ObjectMapper JSON = new ObjectMapper();

    static ScheduleFields of(ScheduleSpec spec) {
        return new ScheduleFields(TargetJson.of(spec.getTarget()), CadenceJson.of(spec.getCadence()),
                time(spec.getStartAt()), time(spec.getEndAt()), spec.getMaxRuns(),
                spec.getCatchup().name().toLowerCase(Locale.ROOT), Durations.format(spec.getCatchupWindowMs()),
                Durations.format(spec.getJitterMs()), spec.getOverlap().name().toLowerCase(Locale.ROOT),
                new Retry(spec.getRetry().getMaxAttempts(), Durations.format(spec.getRetry().getMaxAgeMs())),
                spec.getPauseAfterFailures(), spec.getDeleteAfterCompletion(), spec.getRetryOnRunFailure(),
                spec.getNotifyWebhook() == null ? null : new NotifyWebhook(spec.getNotifyWebhook().getUrl()),
                new LinkedHashMap<>(spec.getLabels()));
    }

    /** These fields as a JSON object, for a merge patch to apply to. */
    ObjectNode tree() {
        return JSON.valueToTree(this);
    }

    static String time(@Nullable Instant time) {
        return IsoInstants.format(time);
    }

    /** Retries of one fire. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Retry(int maxAttempts, String maxAge) {
    }

    /** Where run outcomes are reported: the URL only, its secret and headers are never shown. */
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record NotifyWebhook(String url) {
    }
}
