package io.punctual.gateway.v1;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.punctual.cadence.InvalidCadenceException;
import io.punctual.cadence.NextFireCalculator;
import io.punctual.schemas.ScheduleSpec;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The answer of a preview: fire times with their local time and the DST transitions between them. */
final class FirePreview {
    /** No grace, as for a create: the spec was already validated by the request parser. */
    private static final NextFireCalculator PLANNER = new NextFireCalculator(Duration.ZERO);

    private FirePreview() {
    }

    /** The first {@code count} fires of a spec created {@code now}, within end_at and max_runs. */
    static List<Instant> firstFires(ScheduleSpec spec, Instant now, int count) {
        List<Instant> out = new ArrayList<>();
        long limit = spec.getMaxRuns() == null ? count : Math.min(count, spec.getMaxRuns());
        Optional<Instant> at;
        try {
            at = Optional.of(PLANNER.first(spec, now, now, null));
        } catch (InvalidCadenceException e) {
            // The request parser ran the same check a moment ago; a spec that fails it now simply has no fires.
            return out;
        }
        while (at.isPresent() && out.size() < limit) {
            out.add(at.get());
            at = PLANNER.after(spec, now, at.get());
        }
        return out;
    }

    /**
     * {@code {"timezone", "fire_times": [{"at", "local", "utc_offset", "dst"}]}}: {@code dst} is null unless this
     * fire's UTC offset differs from the previous fire's (for the first, from the offset at {@code now}); then it
     * names the last transition in between: {@code kind} spring_forward or fall_back, {@code at}, {@code offset_before}, {@code offset_after}.
     */
    static ObjectNode render(List<Instant> times, ZoneId zone, Instant now) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("timezone", zone.getId());
        ArrayNode fires = json.putArray("fire_times");
        ZoneRules rules = zone.getRules();
        Instant previous = now;
        for (Instant at : times) {
            ObjectNode fire = fires.addObject();
            ZoneOffset offset = rules.getOffset(at);
            fire.put("at", at.toString());
            fire.put("local", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at.atOffset(offset)));
            fire.put("utc_offset", offset.getId());
            ZoneOffsetTransition transition = offset.equals(rules.getOffset(previous)) ? null : lastTransition(rules, previous, at);
            if (transition == null) {
                fire.putNull("dst");
            } else {
                fire.putObject("dst")
                        .put("kind", transition.isGap() ? "spring_forward" : "fall_back")
                        .put("at", transition.getInstant().toString())
                        .put("offset_before", transition.getOffsetBefore().getId())
                        .put("offset_after", transition.getOffsetAfter().getId());
            }
            if (at.isAfter(previous)) {
                previous = at;
            }
        }
        return json;
    }

    /** The last offset change in (from, to], or null. */
    private static ZoneOffsetTransition lastTransition(ZoneRules rules, Instant from, Instant to) {
        ZoneOffsetTransition last = null;
        ZoneOffsetTransition next = rules.nextTransition(from);
        while (next != null && !next.getInstant().isAfter(to)) {
            last = next;
            next = rules.nextTransition(next.getInstant());
        }
        return last;
    }
}
