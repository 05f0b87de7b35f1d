package io.punctual.gateway.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.punctual.schemas.DeliveryMode;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.Outcome;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.WebhookMethod;
import io.punctual.schemas.WebhookTarget;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON each door writes, field for field (explicit nulls, absent fields, empty arrays and maps), pinned in
 * {@code wire/door*.jsonl}: one line per rendering, taken from the hand-built renderers the response records replaced.
 */
public final class WireShapes {
    /** Serializes as the gateway's Jackson does by default: Micronaut sets NON_EMPTY, which the records must override. */
    private static final ObjectMapper MICRONAUT = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

    private final Iterator<String> expected;

    private WireShapes(String door) {
        try (InputStream in = WireShapes.class.getResourceAsStream("/wire/" + door + ".jsonl")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList().iterator();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static WireShapes of(String door) {
        return new WireShapes(door);
    }

    /** The typed answer renders as the next pinned line. */
    public void same(Object typed) throws IOException {
        assertThat(expected.hasNext()).as("a pinned rendering is left for " + typed).isTrue();
        assertThat(json(typed)).isEqualTo(expected.next());
    }

    /** The typed answer as the gateway writes it. */
    public static String json(Object typed) throws IOException {
        return MICRONAUT.writeValueAsString(typed);
    }

    /** Every pinned line was compared. */
    public void done() {
        assertThat(expected.hasNext()).as("pinned renderings left over").isFalse();
    }

    /** A Letta target; {@code full} sets every optional field (an empty include_return_message_types among them). */
    public static LettaTarget letta(boolean full) {
        var b = LettaTarget.newBuilder().setAgentId("agent-1")
                .setMessages(List.of(LettaMessage.newBuilder().setRole("user").setContent("hi").build()))
                .setApiKeyCiphertext(ByteBuffer.wrap(new byte[]{1}));
        if (full) {
            b.setMaxSteps(3).setCallbackUrl("https://cb").setIncludeReturnMessageTypes(List.of()).setMode(DeliveryMode.SYNC);
        }
        return b.build();
    }

    /** A schedule; {@code full} sets every optional field, with empty values (a label, the paused note) where allowed. */
    public static ScheduleState state(Object target, Object cadence, boolean full) {
        var spec = ScheduleSpec.newBuilder().setTenant("t").setTarget(target).setCadence(cadence);
        if (full) {
            spec.setLabels(new TreeMap<>(Map.of("a", "", "b", "x"))).setMaxRuns(4L).setStartAt(Instant.parse("2030-01-01T00:00:00Z"))
                    .setEndAt(Instant.parse("2031-01-01T00:00:00Z")).setJitterMs(0).setCatchupWindowMs(0)
                    .setNotifyWebhook(WebhookTarget.newBuilder().setUrl("https://n").setMethod(WebhookMethod.POST).setBodyJson("").build());
        }
        var s = ScheduleState.newBuilder().setScheduleId("sch_1").setSpec(spec.build()).setStatus(full ? ScheduleStatus.PAUSED : ScheduleStatus.ACTIVE)
                .setVersion(2).setCreatedAt(Instant.parse("2026-01-01T00:00:00.123Z")).setUpdatedAt(Instant.parse("2026-01-02T00:00:00Z"));
        if (full) {
            s.setPausedNote("").setNextFireAt(Instant.parse("2030-01-01T09:00:00Z")).setLastFireAt(Instant.parse("2029-01-01T09:00:00Z"))
                    .setLastFireId("f1").setCompletedAt(Instant.parse("2029-02-01T09:00:00Z")).setFireCount(3).setConsecutiveFailures(1);
        } else {
            s.setNextFireAt(Instant.parse("2030-01-01T09:00:00Z"));
        }
        return s.build();
    }

    /** A bare failed attempt, a delivered one with every optional field, and a run's end with empty texts. */
    public static List<ExecutionResult> runs() {
        Instant at = Instant.parse("2030-01-01T09:00:00Z");
        var min = ExecutionResult.newBuilder().setFireId("f").setScheduleId("s").setTenant("t").setScheduledFor(at).setStartedAt(at)
                .setFinishedAt(at).setOutcome(Outcome.FAILED).setAttempt(1).setTargetType("letta").build();
        var full = ExecutionResult.newBuilder(min).setOutcome(Outcome.DELIVERED).setHttpStatus(200).setLettaRunId("r").setLettaRunStatus("completed")
                .setRunFinishedAt(at).setStopReason("end_turn").setOverlapped(true).setManual(true).setDetail("d").build();
        var ended = ExecutionResult.newBuilder(min).setRunEnd(true).setStopReason("").setDetail("").build();
        return List.of(min, full, ended);
    }
}
