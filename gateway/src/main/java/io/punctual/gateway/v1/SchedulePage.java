package io.punctual.gateway.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.micronaut.core.annotation.Nullable;
import io.punctual.schemas.ScheduleState;

import java.io.IOException;
import java.util.List;

/**
 * A page of schedules as {@link ScheduleJson.Page} renders it ({@code schedules}, {@code next_cursor}), written from
 * the stored states by {@link ScheduleJsonWriter} without building a {@link ScheduleJson} per item.
 */
@JsonSerialize(using = SchedulePage.Writer.class)
record SchedulePage(List<ScheduleState> schedules, @Nullable String nextCursor) {

    /** Writes the page; registered on the type, so any Jackson mapper renders it alike. */
    static final class Writer extends StdSerializer<SchedulePage> {
        Writer() {
            super(SchedulePage.class);
        }

        @Override
        public void serialize(SchedulePage page, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            gen.writeFieldName("schedules");
            gen.writeStartArray();
            char[] instants = new char[IsoInstants.MAX_LENGTH];
            for (ScheduleState state : page.schedules()) {
                ScheduleJsonWriter.write(state, gen, provider, instants);
            }
            gen.writeEndArray();
            gen.writeStringField("next_cursor", page.nextCursor());
            gen.writeEndObject();
        }
    }
}
