package io.punctual.gateway.lettanative;

import io.punctual.gateway.v1.WireShapes;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

/** Door 3's scheduled messages keep their JSON exactly (see {@link WireShapes}). */
class NativeWireShapeTest {
    @Test
    void scheduledMessagesRenderAsBefore() throws Exception {
        WireShapes wire = WireShapes.of("door3");
        var once = OnceCadence.newBuilder().setAt(Instant.parse("2030-01-01T09:00:00Z")).build();
        var cron = CronCadence.newBuilder().setExpression("0 9 * * *").setTimezone("UTC").build();
        for (boolean full : List.of(true, false)) {
            for (Object cadence : List.of(once, cron)) {
                ScheduleState s = WireShapes.state(WireShapes.letta(full), cadence, full);
                wire.same(NativeJson.scheduledMessage(s));
            }
        }
        wire.done();
    }
}
