package io.punctual.cadence;

import com.cronutils.model.time.ExecutionTime;
import io.punctual.schemas.CronCadence;
import io.punctual.schemas.ScheduleSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For random cron expressions and zones over a year, the planner's fires equal cron-utils' own nextExecution
 * sequence, except near DST transitions, where the planner's own rule is asserted instead.
 */
class CronSequenceProperties {
    private static final Instant FROM = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant UNTIL = Instant.parse("2026-01-01T00:00:00Z");
    /** Transitions move clocks by at most an hour; two hours either side holds every fire they can affect. */
    private static final Duration NEAR = Duration.ofHours(2);
    private static final List<String> ZONES = List.of("UTC", "America/New_York", "Europe/Berlin", "Europe/London",
            "Australia/Sydney", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata", "Pacific/Chatham", "America/Havana");

    private final NextFireCalculator calculator = new NextFireCalculator(Duration.ofSeconds(60));

    @Property(tries = 60)
    void plannerFiresAreCronUtilsFiresApartFromTheDstRule(@ForAll("expressions") String expression, @ForAll("zones") String zoneId) {
        ZoneId zone = ZoneId.of(zoneId);
        ScheduleSpec spec = NextFireCalculatorTest.spec(new CronCadence(expression, zoneId));
        List<Instant> planner = new ArrayList<>();
        Optional<Instant> next = calculator.after(spec, FROM, FROM);
        while (next.isPresent() && next.get().isBefore(UNTIL)) {
            planner.add(next.get());
            next = calculator.after(spec, FROM, next.get());
        }
        assertThat(planner).isSorted().doesNotHaveDuplicates();

        ExecutionTime cronUtils = ExecutionTime.forCron(CronExpressions.parse(expression));
        TreeSet<Instant> reference = new TreeSet<>();
        ZonedDateTime cursor = FROM.atZone(zone);
        while (cursor.toInstant().isBefore(UNTIL)) {
            Optional<ZonedDateTime> match = cronUtils.nextExecution(cursor);
            if (match.isEmpty()) {
                break;
            }
            // cron-utils can step backwards or stand still around a transition; never let it loop.
            cursor = match.get().toInstant().isAfter(cursor.toInstant()) ? match.get() : cursor.plusMinutes(1);
            if (match.get().toInstant().isBefore(UNTIL)) {
                reference.add(match.get().toInstant());
            }
        }

        List<ZoneOffsetTransition> transitions = transitions(zone);
        assertThat(planner.stream().filter(i -> !near(i, transitions)).toList())
                .as("%s in %s away from transitions", expression, zoneId)
                .isEqualTo(reference.stream().filter(i -> !near(i, transitions)).toList());

        for (ZoneOffsetTransition transition : transitions) {
            List<Instant> expected = ruleFires(cronUtils, zone, transition);
            List<Instant> actual = planner.stream().filter(i -> within(i, transition)).toList();
            assertThat(actual).as("%s in %s around %s", expression, zoneId, transition).isEqualTo(expected);
        }
    }

    /**
     * The rule, stated on its own: every local time the expression matches around the transition fires once,
     * a non-existent one at the transition instant, a repeated one at its first (earlier-offset) occurrence.
     */
    private static List<Instant> ruleFires(ExecutionTime cron, ZoneId zone, ZoneOffsetTransition transition) {
        Instant windowStart = transition.getInstant().minus(NEAR);
        Instant windowEnd = transition.getInstant().plus(NEAR);
        LocalDateTime local = LocalDateTime.ofInstant(windowStart.minus(NEAR), zone);
        LocalDateTime localEnd = LocalDateTime.ofInstant(windowEnd.plus(NEAR), zone);
        TreeSet<Instant> fires = new TreeSet<>();
        while (true) {
            Optional<ZonedDateTime> match = cron.nextExecution(local.atZone(ZoneOffset.UTC));
            if (match.isEmpty() || match.get().toLocalDateTime().isAfter(localEnd)) {
                break;
            }
            local = match.get().toLocalDateTime();
            List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
            Instant instant = offsets.isEmpty() ? transition.getInstant()
                    : local.toInstant(offsets.size() == 2 ? zone.getRules().getTransition(local).getOffsetBefore() : offsets.get(0));
            if (offsets.isEmpty()) {
                assertThat(zone.getRules().getTransition(local).getInstant()).isEqualTo(transition.getInstant());
            }
            if (!instant.isBefore(windowStart) && !instant.isAfter(windowEnd) && instant.isAfter(FROM) && instant.isBefore(UNTIL)) {
                fires.add(instant);
            }
        }
        return new ArrayList<>(fires);
    }

    private static List<ZoneOffsetTransition> transitions(ZoneId zone) {
        List<ZoneOffsetTransition> transitions = new ArrayList<>();
        ZoneOffsetTransition t = zone.getRules().nextTransition(FROM.minus(Duration.ofDays(1)));
        while (t != null && t.getInstant().isBefore(UNTIL.plus(Duration.ofDays(1)))) {
            transitions.add(t);
            t = zone.getRules().nextTransition(t.getInstant());
        }
        return transitions;
    }

    private static boolean near(Instant i, List<ZoneOffsetTransition> transitions) {
        return transitions.stream().anyMatch(t -> within(i, t));
    }

    private static boolean within(Instant i, ZoneOffsetTransition t) {
        return !i.isBefore(t.getInstant().minus(NEAR)) && !i.isAfter(t.getInstant().plus(NEAR));
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of(ZONES);
    }

    @Provide
    Arbitrary<String> expressions() {
        Arbitrary<String> minute = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 59).map(String::valueOf),
                Arbitraries.of("*/15", "*/30", "0,30", "5,35", "10-12", "45"));
        Arbitrary<String> hour = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 23).map(String::valueOf),
                Arbitraries.of("*", "*/2", "1-3", "2", "0,1,2,3", "22-23"));
        Arbitrary<String> dayOfMonth = Arbitraries.of("*", "*", "*", "1", "15", "29", "31", "1-7", "*/10");
        Arbitrary<String> month = Arbitraries.of("*", "*", "*", "3", "10,11", "*/2", "1-6");
        Arbitrary<String> dayOfWeek = Arbitraries.of("*", "*", "*", "0", "1-5", "6,0", "7");
        Arbitrary<String> fiveFields = Combinators.combine(minute, hour, dayOfMonth, month, dayOfWeek)
                .as((m, h, d, mo, w) -> m + " " + h + " " + d + " " + mo + " " + w);
        Arbitrary<String> withSeconds = Combinators.combine(Arbitraries.of("0", "15", "30"), fiveFields)
                .as((s, rest) -> s + " " + rest)
                .filter(e -> !e.contains("* * * * *"));
        return Arbitraries.oneOf(fiveFields, fiveFields, withSeconds,
                Arbitraries.of("@yearly", "@monthly", "@weekly", "@daily", "@hourly"));
    }
}
