package io.punctual.gateway.view;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleState;
import io.punctual.schemas.ScheduleStatus;
import io.punctual.schemas.serde.ProjectedReader;
import io.punctual.schemas.serde.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes only the {@link ScheduleHead} of a {@code ScheduleState} in the Confluent wire format, through Avro's
 * schema resolution to a projection of the state's schema: the fields the view does not index (messages, the
 * encrypted key, counters, policies) are skipped over, not built. Every fire and every result reaches every gateway
 * as a whole state, and the view compares it with the one it holds; decoding both in full was most of its tail's CPU
 * in a burst (JFR: 57 % of the {@code punctual.schedules} tail's samples in Avro's reader).
 */
public final class ScheduleHeads {
    /** Kept whole when a field maps to null; a nested map keeps those fields of a record (of each record of a union). */
    private static final Map<String, Object> KEPT = Map.of(
            "schedule_id", KeepWhole.YES, "status", KeepWhole.YES, "version", KeepWhole.YES, "updated_at", KeepWhole.YES,
            "spec", Map.of("tenant", KeepWhole.YES, "labels", KeepWhole.YES,
                    "target", Map.of("agent_id", KeepWhole.YES),
                    "cadence", Map.of()));
    static final Schema PROJECTION = project(ScheduleState.getClassSchema(), KEPT);

    /** Fields by position: a look-up by name hashes the name each time, and was half of this decode's samples. */
    private static final int ID = PROJECTION.getField("schedule_id").pos();
    private static final int STATUS = PROJECTION.getField("status").pos();
    private static final int VERSION = PROJECTION.getField("version").pos();
    private static final int UPDATED_AT = PROJECTION.getField("updated_at").pos();
    private static final int SPEC = PROJECTION.getField("spec").pos();
    private static final Schema SPEC_SCHEMA = PROJECTION.getField("spec").schema();
    private static final int TENANT = SPEC_SCHEMA.getField("tenant").pos();
    private static final int TARGET = SPEC_SCHEMA.getField("target").pos();
    private static final int CADENCE = SPEC_SCHEMA.getField("cadence").pos();
    private static final int LABELS = SPEC_SCHEMA.getField("labels").pos();
    private static final String ONCE = OnceCadence.getClassSchema().getFullName();
    private static final String CRON = CronCadence.getClassSchema().getFullName();
    private static final String LETTA = LettaTarget.getClassSchema().getFullName();
    private static final String[] STATUS_NAMES = Arrays.stream(ScheduleStatus.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    private enum KeepWhole { YES }

    private final ProjectedReader reader;

    public ScheduleHeads(SchemaRegistry registry) {
        this.reader = new ProjectedReader(registry, PROJECTION);
    }

    ScheduleHead read(byte[] data) {
        GenericRecord state = reader.read(data);
        GenericRecord spec = (GenericRecord) state.get(SPEC);
        GenericRecord target = (GenericRecord) spec.get(TARGET);
        String cadence = ((GenericRecord) spec.get(CADENCE)).getSchema().getFullName();
        String type = cadence.equals(ONCE) ? "once" : cadence.equals(CRON) ? "cron" : "interval";
        String agent = target.getSchema().getFullName().equals(LETTA) ? target.get(0).toString() : null;
        Map<String, String> labels = new LinkedHashMap<>();
        ((Map<?, ?>) spec.get(LABELS)).forEach((k, v) -> labels.put(k.toString(), v.toString()));
        ScheduleStatus status = ScheduleStatus.valueOf(state.get(STATUS).toString());
        return new ScheduleHead(state.get(ID).toString(), spec.get(TENANT).toString(), status, (Long) state.get(VERSION),
                (Long) state.get(UPDATED_AT), new ScheduleSummary(STATUS_NAMES[status.ordinal()], type, agent, labels));
    }

    /** The record schema with only the fields {@code kept} names; nested maps prune records, and each record of a union. */
    @SuppressWarnings("unchecked")
    private static Schema project(Schema schema, Map<String, Object> kept) {
        switch (schema.getType()) {
            case RECORD -> {
                List<Schema.Field> fields = new ArrayList<>();
                for (Schema.Field field : schema.getFields()) {
                    Object keep = kept.get(field.name());
                    if (keep == KeepWhole.YES) {
                        fields.add(new Schema.Field(field, field.schema()));
                    } else if (keep != null) {
                        fields.add(new Schema.Field(field.name(), project(field.schema(), (Map<String, Object>) keep), field.doc()));
                    }
                }
                return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
            }
            case UNION -> {
                List<Schema> branches = new ArrayList<>();
                for (Schema branch : schema.getTypes()) {
                    branches.add(branch.getType() == Schema.Type.RECORD ? project(branch, kept) : branch);
                }
                return Schema.createUnion(branches);
            }
            default -> throw new IllegalArgumentException("Cannot project a " + schema.getType() + " onto fields " + kept.keySet());
        }
    }
}
