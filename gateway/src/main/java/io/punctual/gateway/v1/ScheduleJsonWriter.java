package io.punctual.gateway.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import io.micronaut.core.annotation.Nullable;
import io.punctual.kernel.letta.LettaMessagesJson;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a schedule exactly as {@link ScheduleJson} renders it, straight from the stored state to the generator.
 * A list page writes 50 schedules (about 60 KB): building the response records, their ISO strings and Jackson's
 * bean serializers for each cost about a quarter of a page's CPU and most of its garbage. {@link ScheduleJson} stays
 * the definition of the shape (OpenAPI, single-schedule answers); {@code ScheduleJsonWriterTest} holds this writer to
 * it byte for byte for every target and cadence. Targets other than Letta are rare in a page and go through
 * {@link TargetJson} as before.
 */
final class ScheduleJsonWriter {
    private static final SerializableString ID = name("id");
    private static final SerializableString VERSION = name("version");
    private static final SerializableString STATUS = name("status");
    private static final SerializableString AGENT_ID = name("agent_id");
    private static final SerializableString MESSAGES = name("messages");
    private static final SerializableString TARGET = name("target");
    private static final SerializableString TYPE = name("type");
    private static final SerializableString MODE = name("mode");
    private static final SerializableString MAX_STEPS = name("max_steps");
    private static final SerializableString CALLBACK_URL = name("callback_url");
    private static final SerializableString INCLUDE_RETURN_MESSAGE_TYPES = name("include_return_message_types");
    private static final SerializableString SCHEDULE = name("schedule");
    private static final SerializableString AT = name("at");
    private static final SerializableString EXPRESSION = name("expression");
    private static final SerializableString TIMEZONE = name("timezone");
    private static final SerializableString EVERY = name("every");
    private static final SerializableString ANCHOR = name("anchor");
    private static final SerializableString START_AT = name("start_at");
    private static final SerializableString END_AT = name("end_at");
    private static final SerializableString MAX_RUNS = name("max_runs");
    private static final SerializableString CATCHUP = name("catchup");
    private static final SerializableString CATCHUP_WINDOW = name("catchup_window");
    private static final SerializableString JITTER = name("jitter");
    private static final SerializableString OVERLAP = name("overlap");
    private static final SerializableString RETRY = name("retry");
    private static final SerializableString MAX_ATTEMPTS = name("max_attempts");
    private static final SerializableString MAX_AGE = name("max_age");
    private static final SerializableString PAUSE_AFTER_FAILURES = name("pause_after_failures");
    private static final SerializableString DELETE_AFTER_COMPLETION = name("delete_after_completion");
    private static final SerializableString RETRY_ON_RUN_FAILURE = name("retry_on_run_failure");
    private static final SerializableString NOTIFY_WEBHOOK = name("notify_webhook");
    private static final SerializableString URL = name("url");
    private static final SerializableString LABELS = name("labels");
    private static final SerializableString PAUSED_NOTE = name("paused_note");
    private static final SerializableString NEXT_FIRE_AT = name("next_fire_at");
    private static final SerializableString COMPLETED_AT = name("completed_at");
    private static final SerializableString NEXT_FIRE_TIMES = name("next_fire_times");
    private static final SerializableString LAST_FIRE_AT = name("last_fire_at");
    private static final SerializableString LAST_FIRE = name("last_fire");
    private static final SerializableString FIRE_ID = name("fire_id");
    private static final SerializableString OUTCOME = name("outcome");
    private static final SerializableString LETTA_RUN_ID = name("letta_run_id");
    private static final SerializableString LATENESS_MS = name("lateness_ms");
    private static final SerializableString FIRE_COUNT = name("fire_count");
    private static final SerializableString COUNTERS = name("counters");
    private static final SerializableString FIRES = name("fires");
    private static final SerializableString MANUAL_FIRES = name("manual_fires");
    private static final SerializableString MISSED = name("missed");
    private static final SerializableString DELIVERED = name("delivered");
    private static final SerializableString FAILED = name("failed");
    private static final SerializableString CONSECUTIVE_FAILURES = name("consecutive_failures");
    private static final SerializableString CREATED_AT = name("created_at");
    private static final SerializableString UPDATED_AT = name("updated_at");

    private static final ClassValue<String[]> LOWER_NAMES = new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
            Object[] constants = type.getEnumConstants();
            String[] names = new String[constants.length];
            for (int i = 0; i < constants.length; i++) {
                names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
            }
            return names;
        }
    };

    private ScheduleJsonWriter() {
    }

    /**
     * The schedule as one JSON object, the same members in the same order as {@link ScheduleJson}; {@code instants}
     * ({@link IsoInstants#MAX_LENGTH} long) holds each instant's text while it is written, reused across a page.
     */
    static void write(ScheduleState state, JsonGenerator gen, SerializerProvider provider, char[] instants) throws IOException {
        ScheduleSpec spec = state.getSpec();
        LettaTarget letta = spec.getTarget() instanceof LettaTarget l ? l : null;
        gen.writeStartObject();
        gen.writeFieldName(ID);
        gen.writeString(state.getScheduleId());
        gen.writeFieldName(VERSION);
        gen.writeNumber(state.getVersion());
        gen.writeFieldName(STATUS);
        gen.writeString(lower(state.getStatus()));
        if (letta != null) {
            gen.writeFieldName(AGENT_ID);
            gen.writeString(letta.getAgentId());
            gen.writeFieldName(MESSAGES);
            LettaMessagesJson.write(letta.getMessages(), gen);
        }
        gen.writeFieldName(TARGET);
        if (letta != null) {
            writeLetta(letta, gen);
        } else {
            provider.defaultSerializeValue(TargetJson.of(spec.getTarget()), gen);
        }
        gen.writeFieldName(SCHEDULE);
        writeCadence(spec.getCadence(), gen, instants);
        time(START_AT, spec.getStartAt(), gen, instants);
        time(END_AT, spec.getEndAt(), gen, instants);
        gen.writeFieldName(MAX_RUNS);
        if (spec.getMaxRuns() == null) {
            gen.writeNull();
        } else {
            gen.writeNumber(spec.getMaxRuns());
        }
        gen.writeFieldName(CATCHUP);
        gen.writeString(lower(spec.getCatchup()));
        gen.writeFieldName(CATCHUP_WINDOW);
        gen.writeString(Durations.format(spec.getCatchupWindowMs()));
        gen.writeFieldName(JITTER);
        gen.writeString(Durations.format(spec.getJitterMs()));
        gen.writeFieldName(OVERLAP);
        gen.writeString(lower(spec.getOverlap()));
        gen.writeFieldName(RETRY);
        gen.writeStartObject();
        gen.writeFieldName(MAX_ATTEMPTS);
        gen.writeNumber(spec.getRetry().getMaxAttempts());
        gen.writeFieldName(MAX_AGE);
        gen.writeString(Durations.format(spec.getRetry().getMaxAgeMs()));
        gen.writeEndObject();
        gen.writeFieldName(PAUSE_AFTER_FAILURES);
        gen.writeNumber(spec.getPauseAfterFailures());
        gen.writeFieldName(DELETE_AFTER_COMPLETION);
        gen.writeBoolean(spec.getDeleteAfterCompletion());
        gen.writeFieldName(RETRY_ON_RUN_FAILURE);
        gen.writeBoolean(spec.getRetryOnRunFailure());
        gen.writeFieldName(NOTIFY_WEBHOOK);
        if (spec.getNotifyWebhook() == null) {
            gen.writeNull();
        } else {
            gen.writeStartObject();
            gen.writeFieldName(URL);
            gen.writeString(spec.getNotifyWebhook().getUrl());
            gen.writeEndObject();
        }
        gen.writeFieldName(LABELS);
        writeStrings(spec.getLabels(), gen);
        gen.writeFieldName(PAUSED_NOTE);
        gen.writeString(state.getPausedNote());
        time(NEXT_FIRE_AT, state.getNextFireAt(), gen, instants);
        time(COMPLETED_AT, state.getCompletedAt(), gen, instants);
        gen.writeFieldName(NEXT_FIRE_TIMES);
        gen.writeStartArray();
        for (Instant next : Cadences.next(state, 5)) {
            instant(next, gen, instants);
        }
        gen.writeEndArray();
        time(LAST_FIRE_AT, state.getLastFireAt(), gen, instants);
        gen.writeFieldName(LAST_FIRE);
        if (state.getLastFireId() == null) {
            gen.writeNull();
        } else {
            gen.writeStartObject();
            gen.writeFieldName(FIRE_ID);
            gen.writeString(state.getLastFireId());
            time(AT, state.getLastFireAt(), gen, instants);
            gen.writeFieldName(OUTCOME);
            gen.writeString(state.getLastOutcome());
            gen.writeFieldName(LETTA_RUN_ID);
            gen.writeString(state.getLastLettaRunId());
            gen.writeFieldName(LATENESS_MS);
            gen.writeNumber(state.getLastLatenessMs());
            gen.writeEndObject();
        }
        gen.writeFieldName(FIRE_COUNT);
        gen.writeNumber(state.getFireCount());
        gen.writeFieldName(COUNTERS);
        gen.writeStartObject();
        gen.writeFieldName(FIRES);
        gen.writeNumber(state.getFireCount());
        gen.writeFieldName(MANUAL_FIRES);
        gen.writeNumber(state.getManualFireCount());
        gen.writeFieldName(MISSED);
        gen.writeNumber(state.getMissedCount());
        gen.writeFieldName(DELIVERED);
        gen.writeNumber(state.getDeliveredCount());
        gen.writeFieldName(FAILED);
        gen.writeNumber(state.getFailureCount());
        gen.writeFieldName(CONSECUTIVE_FAILURES);
        gen.writeNumber(state.getConsecutiveFailures());
        gen.writeEndObject();
        time(CREATED_AT, state.getCreatedAt(), gen, instants);
        time(UPDATED_AT, state.getUpdatedAt(), gen, instants);
        gen.writeEndObject();
    }

    private static void writeLetta(LettaTarget letta, JsonGenerator gen) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName(TYPE);
        gen.writeString("letta");
        gen.writeFieldName(AGENT_ID);
        gen.writeString(letta.getAgentId());
        gen.writeFieldName(MESSAGES);
        LettaMessagesJson.write(letta.getMessages(), gen);
        gen.writeFieldName(MODE);
        gen.writeString(lower(letta.getMode()));
        if (letta.getMaxSteps() != null) {
            gen.writeFieldName(MAX_STEPS);
            gen.writeNumber(letta.getMaxSteps());
        }
        if (letta.getCallbackUrl() != null) {
            gen.writeFieldName(CALLBACK_URL);
            gen.writeString(letta.getCallbackUrl());
        }
        List<String> types = letta.getIncludeReturnMessageTypes();
        if (types != null) {
            gen.writeFieldName(INCLUDE_RETURN_MESSAGE_TYPES);
            gen.writeStartArray();
            for (String type : types) {
                gen.writeString(type);
            }
            gen.writeEndArray();
        }
        gen.writeEndObject();
    }

    private static void writeCadence(Object cadence, JsonGenerator gen, char[] instants) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName(TYPE);
        if (cadence instanceof OnceCadence once) {
            gen.writeString("once");
            time(AT, once.getAt(), gen, instants);
        } else if (cadence instanceof CronCadence cron) {
            gen.writeString("cron");
            gen.writeFieldName(EXPRESSION);
            gen.writeString(cron.getExpression());
            gen.writeFieldName(TIMEZONE);
            gen.writeString(cron.getTimezone());
        } else if (cadence instanceof IntervalCadence interval) {
            gen.writeString("interval");
            gen.writeFieldName(EVERY);
            gen.writeString(Durations.format(interval.getEveryMs()));
            if (interval.getAnchor() != null) {
                time(ANCHOR, interval.getAnchor(), gen, instants);
            }
        } else {
            throw new IllegalArgumentException("not a cadence: " + cadence);
        }
        gen.writeEndObject();
    }

    private static void writeStrings(Map<String, String> map, JsonGenerator gen) throws IOException {
        gen.writeStartObject();
        for (Map.Entry<String, String> entry : map.entrySet()) {
            gen.writeFieldName(entry.getKey());
            gen.writeString(entry.getValue());
        }
        gen.writeEndObject();
    }

    private static void time(SerializableString name, @Nullable Instant time, JsonGenerator gen, char[] buffer) throws IOException {
        gen.writeFieldName(name);
        instant(time, gen, buffer);
    }

    /** The instant's text as IsoInstants.format gives it, written from the buffer without a String. */
    private static void instant(@Nullable Instant time, JsonGenerator gen, char[] buffer) throws IOException {
        if (time == null) {
            gen.writeNull();
            return;
        }
        int length = IsoInstants.write(time, buffer);
        if (length < 0) {
            gen.writeString(time.toString());
        } else {
            gen.writeString(buffer, 0, length);
        }
    }

    /** An enum's name in lower case, as the API writes statuses and policies: computed once per constant. */
    private static String lower(Enum<?> value) {
        return LOWER_NAMES.get(value.getDeclaringClass())[value.ordinal()];
    }

    private static SerializableString name(String name) {
        return new SerializedString(name);
    }
}
