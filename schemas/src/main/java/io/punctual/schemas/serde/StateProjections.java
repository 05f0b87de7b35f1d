package io.punctual.schemas.serde;

import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import org.apache.avro.Schema;

import java.util.List;

/** Projections of {@code ScheduleState} for a {@link ProjectedReader}, shared by the services that read a few fields. */
public final class StateProjections {
    /** {@code ScheduleState} with its status alone (same record and enum names, so Avro resolves the writer's onto it). */
    public static final Schema STATUS_ONLY = Schema.createRecord(ScheduleState.getClassSchema().getName(), null,
            ScheduleState.getClassSchema().getNamespace(), false,
            List.of(new Schema.Field(ScheduleState.getClassSchema().getField("status"), ScheduleStatus.getClassSchema())));

    private StateProjections() {
    }
}
