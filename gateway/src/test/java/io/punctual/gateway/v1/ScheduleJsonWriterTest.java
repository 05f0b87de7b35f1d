package io.punctual.gateway.v1;

import io.punctual.schemas.ContentPart;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.ImageSource;
import io.punctual.schemas.LettaMessage;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A list page written straight from the states is, byte for byte, the page of {@link ScheduleJson} records. */
class ScheduleJsonWriterTest {

    @Test
    void aPageIsWrittenExactlyAsTheRecordsRenderIt() throws Exception {
        List<ScheduleState> states = new ArrayList<>(V1WireShapeTest.states());
        states.addAll(moreStates());
        for (ScheduleState state : states) {
            assertThat(WireShapes.json(new SchedulePage(List.of(state), null)))
                    .isEqualTo(WireShapes.json(new ScheduleJson.Page(List.of(ScheduleJson.of(state)), null)));
        }
        assertThat(WireShapes.json(new SchedulePage(states, "c2NoXzE")))
                .isEqualTo(WireShapes.json(new ScheduleJson.Page(states.stream().map(ScheduleJson::of).toList(), "c2NoXzE")));
        assertThat(WireShapes.json(new SchedulePage(List.of(), null))).isEqualTo(WireShapes.json(new ScheduleJson.Page(List.of(), null)))
                .isEqualTo("{\"schedules\":[],\"next_cursor\":null}");
    }

    /** Messages with content parts, names and ids; a cron without a zone; a completed and a deleted schedule; a last fire; odd instants. */
    private static List<ScheduleState> moreStates() {
        LettaMessage parts = LettaMessage.newBuilder().setRole("user").setName("n").setOtid("o").setSenderId("s")
                .setContent(List.of(ContentPart.newBuilder().setType("text").setText("a \"quoted\" line\n").build(),
                        ContentPart.newBuilder().setType("image").setSource(ImageSource.newBuilder().setType("base64")
                                .setMediaType("image/png").setData("AAAA").build()).build()))
                .build();
        LettaTarget letta = LettaTarget.newBuilder(WireShapes.letta(true)).setMessages(List.of(parts,
                LettaMessage.newBuilder().setRole("system").setContent("ünïcödé ☃").build())).setIncludeReturnMessageTypes(List.of("a", "b")).build();
        CronCadence noZone = CronCadence.newBuilder().setExpression("*/5 * * * *").build();
        ScheduleState base = WireShapes.state(letta, noZone, true);
        ScheduleState fired = ScheduleState.newBuilder(base).setStatus(ScheduleStatus.ACTIVE).setLastOutcome("delivered")
                .setLastLettaRunId("run-1").setLastLatenessMs(12).setManualFireCount(1).setMissedCount(2).setDeliveredCount(3)
                .setFailureCount(4).setPausedNote(null).build();
        ScheduleState completed = ScheduleState.newBuilder(base).setStatus(ScheduleStatus.COMPLETED).setNextFireAt(null)
                .setCompletedAt(Instant.parse("2030-01-01T00:00:00.5Z")).build();
        ScheduleState deleted = ScheduleState.newBuilder(base).setStatus(ScheduleStatus.DELETED).build();
        // Instants outside 1970-9999 (Instant.toString's own text) and with micro- and nanoseconds.
        ScheduleState odd = ScheduleState.newBuilder(fired).setCreatedAt(Instant.parse("1969-12-31T23:59:59.999Z"))
                .setUpdatedAt(Instant.parse("+10000-01-01T00:00:00Z")).setLastFireAt(Instant.parse("2029-01-01T09:00:00.000001Z"))
                .setNextFireAt(Instant.parse("2030-01-01T09:00:00.123456789Z")).build();
        return List.of(base, fired, completed, deleted, odd);
    }
}
