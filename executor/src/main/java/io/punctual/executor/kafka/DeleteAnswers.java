package io.punctual.executor.kafka;

import io.punctual.schemas.CommandResult;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.ProjectedReader;
import io.punctual.schemas.serde.SchemaRegistry;
import io.punctual.schemas.serde.StateProjections;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import java.util.List;
import java.util.Optional;

/**
 * Tells from a planner's answer ({@code CommandResult}) whether it is an accepted delete, and of which schedule and
 * when, reading only the schedule id, {@code accepted}, the state's status and {@code processed_at} through Avro's
 * schema resolution to a projection. Every answer carries the whole state after its command, and every executor reads
 * every answer to learn the few deletes among them ({@link DeletedSchedules}): a create's answer of 448 bytes reads in
 * 0.77–0.89 µs this way, 1.74–1.90 whole.
 */
final class DeleteAnswers {
    private static final Schema ANSWER = CommandResult.getClassSchema();
    private static final Schema PROJECTION = Schema.createRecord(ANSWER.getName(), null, ANSWER.getNamespace(), false, List.of(
            new Schema.Field(ANSWER.getField("schedule_id"), ANSWER.getField("schedule_id").schema()),
            new Schema.Field(ANSWER.getField("accepted"), ANSWER.getField("accepted").schema()),
            new Schema.Field(ANSWER.getField("state"), Schema.createUnion(Schema.create(Schema.Type.NULL), StateProjections.STATUS_ONLY)),
            new Schema.Field(ANSWER.getField("processed_at"), ANSWER.getField("processed_at").schema())));

    /** Fields by position: a look-up by name hashes the name each time. */
    private static final int SCHEDULE_ID = PROJECTION.getField("schedule_id").pos();
    private static final int ACCEPTED = PROJECTION.getField("accepted").pos();
    private static final int STATE = PROJECTION.getField("state").pos();
    private static final int PROCESSED_AT = PROJECTION.getField("processed_at").pos();

    /** A delete the planner applied: the schedule and when (epoch millis). */
    record Delete(String scheduleId, long processedAtMillis) {
    }

    private final ProjectedReader reader;

    DeleteAnswers(SchemaRegistry registry) {
        this.reader = new ProjectedReader(registry, PROJECTION);
    }

    /** The delete {@code answer} reports, or empty when it answers anything else; fails as the reader does. */
    Optional<Delete> deleteIn(byte[] answer) {
        GenericRecord projected = reader.read(answer);
        GenericRecord state = (GenericRecord) projected.get(STATE);
        if (!(Boolean) projected.get(ACCEPTED) || state == null || !ScheduleStatus.DELETED.name().equals(state.get(0).toString())) {
            return Optional.empty();
        }
        return Optional.of(new Delete(projected.get(SCHEDULE_ID).toString(), (Long) projected.get(PROCESSED_AT)));
    }
}
