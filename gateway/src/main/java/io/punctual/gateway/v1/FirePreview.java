package io.punctual.gateway.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.micronaut.core.annotation.Nullable;
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
     * The fires with their local time in {@code zone}: a fire's {@code dst} is null unless its UTC offset differs from
     * the previous fire's (for the first, from the offset at {@code now}); then it names the last transition in between.
     */
    static Fires render(List<Instant> times, ZoneId zone, Instant now) {
        List<Fire> fires = new ArrayList<>();
        ZoneRules rules = zone.getRules();
        Instant previous = now;
        for (Instant at : times) {
            ZoneOffset offset = rules.getOffset(at);
            ZoneOffsetTransition transition = offset.equals(rules.getOffset(previous)) ? null : lastTransition(rules, previous, at);
            fires.add(new Fire(at.toString(), DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at.atOffset(offset)), offset.getId(),
                    transition == null ? null : new Dst(transition.isGap() ? "spring_forward" : "fall_back",
                            transition.getInstant().toString(), transition.getOffsetBefore().getId(), transition.getOffsetAfter().getId())));
            if (at.isAfter(previous)) {
                previous = at;
            }
        }
        return new Fires(zone.getId(), fires);
    }

    /** The answer of a preview: the zone of the local times, and the fires. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Fires(String timezone, List<Fire> fireTimes) {
    }

    /** One fire: its instant, its local time, and the DST transition before it (null when none). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Fire(String at, String local, String utcOffset, @Nullable Dst dst) {
    }

    /** An offset change: {@code kind} spring_forward or fall_back. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    record Dst(String kind, String at, String offsetBefore, String offsetAfter) {
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
