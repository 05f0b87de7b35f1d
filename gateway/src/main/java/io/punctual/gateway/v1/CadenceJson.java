package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.OnceCadence;

/** Renders the {@code schedule} of a schedule: once, cron or interval. */
final class CadenceJson {
    private CadenceJson() {
    }

    static ObjectNode render(Object cadence) {
        ObjectNode schedule = JsonNodeFactory.instance.objectNode();
        if (cadence instanceof OnceCadence once) {
            schedule.put("type", "once");
            schedule.put("at", once.getAt().toString());
        } else if (cadence instanceof CronCadence cron) {
            schedule.put("type", "cron");
            schedule.put("expression", cron.getExpression());
            schedule.put("timezone", cron.getTimezone());
        } else if (cadence instanceof IntervalCadence interval) {
            schedule.put("type", "interval");
            schedule.put("every", Durations.format(interval.getEveryMs()));
            if (interval.getAnchor() != null) {
                schedule.put("anchor", interval.getAnchor().toString());
            }
        }
        return schedule;
    }
}
