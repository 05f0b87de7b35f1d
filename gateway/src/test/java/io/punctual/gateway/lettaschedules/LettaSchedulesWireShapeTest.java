package io.punctual.gateway.lettaschedules;

import io.punctual.gateway.v1.WireShapes;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.ExecutionResult;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import io.punctual.schemas.ScheduleState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

/** Door 2's schedules and results keep their JSON exactly (see {@link WireShapes}). */
class LettaSchedulesWireShapeTest {
    @Test
    void schedulesAndResultsRenderAsBefore() throws Exception {
        WireShapes wire = WireShapes.of("door2");
        var once = OnceCadence.newBuilder().setAt(Instant.parse("2030-01-01T09:00:00Z")).build();
        var cron = CronCadence.newBuilder().setExpression("0 9 * * *").setTimezone("UTC").build();
        for (boolean full : List.of(true, false)) {
            for (Object cadence : List.of(once, cron)) {
                ScheduleState s = WireShapes.state(WireShapes.letta(full), cadence, full);
                wire.same(LettaSchedulesJson.schedule(s));
                ScheduleState offset = ScheduleState.newBuilder(s)
                        .setSpec(ScheduleSpec.newBuilder(s.getSpec()).setDisplayOffsetSeconds(3600).build()).build();
                wire.same(LettaSchedulesJson.schedule(offset));
                for (ExecutionResult r : WireShapes.runs()) {
                    wire.same(LettaSchedulesJson.result(r, s));
                    wire.same(LettaSchedulesJson.result(r, null));
                    ExecutionResult carried = ExecutionResult.newBuilder(r).setCadenceType("once").setMessageText("m")
                            .setLettaRunId("r").setAgentId("a").build();
                    wire.same(LettaSchedulesJson.result(carried, null));
                }
            }
        }
        wire.done();
    }
}
