package io.punctual.cadence;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.IntervalCadence;
import io.punctual.schemas.LettaTarget;
import io.punctual.schemas.OnceCadence;
import io.punctual.schemas.ScheduleSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NextFireCalculatorTest {
    private static final Instant NOW = Instant.parse("2025-03-03T07:57:30Z");
    private final NextFireCalculator calculator = new NextFireCalculator(Duration.ofSeconds(60));

    static ScheduleSpec spec(Object cadence) {
        return ScheduleSpec.newBuilder()
                .setTenant("t")
                .setTarget(LettaTarget.newBuilder().setAgentId("a").setMessages(List.of()).setApiKeyCiphertext(ByteBuffer.allocate(1)).build())
                .setCadence(cadence)
                .build();
    }

    private Instant first(Object cadence, Instant now) throws InvalidCadenceException {
        return calculator.first(spec(cadence), now, now, null);
    }

    /** The fires strictly after {@code from}, {@code count} of them. */
    private List<Instant> sequence(ScheduleSpec spec, Instant from, int count) {
        List<Instant> fires = new ArrayList<>();
        Optional<Instant> next = calculator.after(spec, from, from);
        while (next.isPresent() && fires.size() < count) {
            fires.add(next.get());
            next = calculator.after(spec, from, next.get());
        }
        return fires;
    }

    private List<Instant> cronSequence(String expression, String zone, String from, int count) {
        return sequence(spec(new CronCadence(expression, zone)), Instant.parse(from), count);
    }

    @Test
    void cronCountsFromNowInItsZone() throws InvalidCadenceException {
        assertThat(first(new CronCadence("*/5 * * * *", "UTC"), NOW)).isEqualTo(Instant.parse("2025-03-03T08:00:00Z"));
        assertThat(first(new CronCadence("30 7 * * *", "America/New_York"), NOW)).isEqualTo(Instant.parse("2025-03-03T12:30:00Z"));
    }

    @Test
    void aFireExactlyOnABoundaryIsNotTheNextOne() throws InvalidCadenceException {
        Instant boundary = Instant.parse("2025-03-03T08:00:00Z");
        assertThat(first(new CronCadence("*/5 * * * *", "UTC"), boundary)).isEqualTo(boundary.plusSeconds(300));
        assertThat(calculator.after(spec(new CronCadence("*/5 * * * *", "UTC")), boundary, boundary)).contains(boundary.plusSeconds(300));
    }

    @ParameterizedTest
    @CsvSource({
            "@yearly,  2026-01-01T00:00:00Z",
            "@annually, 2026-01-01T00:00:00Z",
            "@monthly, 2025-04-01T00:00:00Z",
            "@weekly,  2025-03-09T00:00:00Z",
            "@daily,   2025-03-04T00:00:00Z",
            "@midnight, 2025-03-04T00:00:00Z",
            "@hourly,  2025-03-03T08:00:00Z",
            "15 * * * * *, 2025-03-03T07:58:15Z",
            "0 0 31 * *, 2025-03-31T00:00:00Z",
            "0 0 29 2 *, 2028-02-29T00:00:00Z",
            "0 9 * * 7, 2025-03-09T09:00:00Z",
    })
    void theDialectHasMacrosSecondsAndRareDays(String expression, String expected) throws InvalidCadenceException {
        assertThat(first(new CronCadence(expression, "UTC"), NOW)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void dayThirtyOneAndTwentyNineFebruarySkipTheMonthsAndYearsWithoutThem() {
        assertThat(cronSequence("0 0 31 * *", "UTC", "2025-01-01T00:00:00Z", 4)).containsExactly(
                Instant.parse("2025-01-31T00:00:00Z"), Instant.parse("2025-03-31T00:00:00Z"),
                Instant.parse("2025-05-31T00:00:00Z"), Instant.parse("2025-07-31T00:00:00Z"));
        assertThat(cronSequence("0 12 29 2 *", "Europe/Berlin", "2024-03-01T00:00:00Z", 2)).containsExactly(
                Instant.parse("2028-02-29T11:00:00Z"), Instant.parse("2032-02-29T11:00:00Z"));
    }

    @Test
    void springForwardInNewYorkFiresTheMissingTimeAtTheEndOfTheGap() {
        // 2025-03-09: 02:00 EST becomes 03:00 EDT (07:00Z). 02:30 does not exist; it fires at 03:00 EDT.
        assertThat(cronSequence("30 2 * * *", "America/New_York", "2025-03-07T12:00:00Z", 3)).containsExactly(
                Instant.parse("2025-03-08T07:30:00Z"), Instant.parse("2025-03-09T07:00:00Z"), Instant.parse("2025-03-10T06:30:00Z"));
    }

    @Test
    void fallBackInNewYorkFiresTheRepeatedTimeOnceAtItsFirstOccurrence() {
        // 2025-11-02: 02:00 EDT becomes 01:00 EST; 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
        assertThat(cronSequence("30 1 * * *", "America/New_York", "2025-11-01T12:00:00Z", 2)).containsExactly(
                Instant.parse("2025-11-02T05:30:00Z"), Instant.parse("2025-11-03T06:30:00Z"));
        // Every 30 minutes through the night: each local time once, none doubled, none lost.
        assertThat(cronSequence("0,30 * * * *", "America/New_York", "2025-11-02T04:45:00Z", 4)).containsExactly(
                Instant.parse("2025-11-02T05:00:00Z"), Instant.parse("2025-11-02T05:30:00Z"),
                Instant.parse("2025-11-02T07:00:00Z"), Instant.parse("2025-11-02T07:30:00Z"));
    }

    @Test
    void berlinFollowsTheSameRuleInBothDirections() {
        // 2025-03-30: 02:00 CET becomes 03:00 CEST (01:00Z); 2025-10-26: 03:00 CEST becomes 02:00 CET (01:00Z).
        assertThat(cronSequence("30 2 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z", 3)).containsExactly(
                Instant.parse("2025-03-30T01:00:00Z"), Instant.parse("2025-03-31T00:30:00Z"), Instant.parse("2025-04-01T00:30:00Z"));
        assertThat(cronSequence("30 2 * * *", "Europe/Berlin", "2025-10-25T12:00:00Z", 2)).containsExactly(
                Instant.parse("2025-10-26T00:30:00Z"), Instant.parse("2025-10-27T01:30:00Z"));
    }

    @Test
    void aScheduleCreatedInTheSecondOccurrenceOfARepeatedHourDoesNotFireItAgain() throws InvalidCadenceException {
        // 06:10Z is 01:10 EST, the second 01:10 of the night; 01:15 already happened at 05:15Z.
        assertThat(first(new CronCadence("15 1,2 * * *", "America/New_York"), Instant.parse("2025-11-02T06:10:00Z")))
                .isEqualTo(Instant.parse("2025-11-02T07:15:00Z"));
    }

    @Test
    void intervalsCountFromTheirAnchorAndNeverDrift() throws InvalidCadenceException {
        ScheduleSpec created = spec(new IntervalCadence(900_000L, null));
        assertThat(calculator.first(created, NOW, NOW, null)).isEqualTo(NOW.plusSeconds(900));
        assertThat(calculator.after(created, NOW, NOW.plusSeconds(900))).contains(NOW.plusSeconds(1800));
        // After an outage the next fire is still on the grid, not "now + every".
        assertThat(calculator.atOrAfter(created, NOW, NOW.plusSeconds(4000))).contains(NOW.plusSeconds(4500));

        Instant anchor = Instant.parse("2025-03-03T00:00:00Z");
        ScheduleSpec anchored = spec(new IntervalCadence(3_600_000L, anchor));
        assertThat(calculator.first(anchored, NOW, NOW, null)).isEqualTo(Instant.parse("2025-03-03T08:00:00Z"));

        ScheduleSpec fromStart = spec(new IntervalCadence(60_000L, null));
        fromStart.setStartAt(Instant.parse("2025-03-04T10:00:00Z"));
        assertThat(calculator.first(fromStart, NOW, NOW, null)).isEqualTo(Instant.parse("2025-03-04T10:00:00Z"));
    }

    @Test
    void windowsBoundEveryCadence() throws InvalidCadenceException {
        ScheduleSpec windowed = spec(new CronCadence("0 * * * *", "UTC"));
        windowed.setStartAt(Instant.parse("2025-03-05T10:30:00Z"));
        windowed.setEndAt(Instant.parse("2025-03-05T12:00:00Z"));
        assertThat(calculator.first(windowed, NOW, NOW, null)).isEqualTo(Instant.parse("2025-03-05T11:00:00Z"));
        assertThat(calculator.after(windowed, NOW, Instant.parse("2025-03-05T11:00:00Z"))).contains(Instant.parse("2025-03-05T12:00:00Z"));
        assertThat(calculator.after(windowed, NOW, Instant.parse("2025-03-05T12:00:00Z"))).isEmpty();
    }

    @Test
    void aOneTimeCadenceFiresOnceAtItsInstantWithinTheGrace() throws InvalidCadenceException {
        Instant at = NOW.minusSeconds(60);
        assertThat(first(new OnceCadence(at), NOW)).isEqualTo(at);
        assertThat(calculator.after(spec(new OnceCadence(at)), NOW, at)).isEmpty();
        assertProblem(new OnceCadence(at.minusMillis(1)), CadenceProblem.IN_THE_PAST);
    }

    @Test
    void problemsAreNamed() {
        assertProblem(new CronCadence("* * * * * * *", "UTC"), CadenceProblem.INVALID_CRON);
        assertProblem(new CronCadence("@fortnightly", "UTC"), CadenceProblem.INVALID_CRON);
        assertProblem(new CronCadence("0 0 30 2 *", "UTC"), CadenceProblem.INVALID_CRON);
        assertProblem(new CronCadence("*/5 * * * *", ""), CadenceProblem.INVALID_TIMEZONE);
        assertProblem(new CronCadence("*/5 * * * *", "Europe/Atlantis"), CadenceProblem.INVALID_TIMEZONE);
        assertProblem(new IntervalCadence(999L, null), CadenceProblem.INVALID_INTERVAL);

        ScheduleSpec backwards = spec(new CronCadence("* * * * *", "UTC"));
        backwards.setStartAt(NOW.plusSeconds(60));
        backwards.setEndAt(NOW.plusSeconds(60));
        assertThatThrownBy(() -> calculator.first(backwards, NOW, NOW, null)).isInstanceOfSatisfying(InvalidCadenceException.class,
                e -> assertThat(e.problem()).isEqualTo(CadenceProblem.END_BEFORE_START));
        ScheduleSpec over = spec(new CronCadence("* * * * *", "UTC"));
        over.setEndAt(NOW.minusSeconds(1));
        assertThatThrownBy(() -> calculator.first(over, NOW, NOW, null)).isInstanceOfSatisfying(InvalidCadenceException.class,
                e -> assertThat(e.problem()).isEqualTo(CadenceProblem.IN_THE_PAST));
    }

    private void assertProblem(Object cadence, CadenceProblem problem) {
        assertThatThrownBy(() -> first(cadence, NOW))
                .isInstanceOfSatisfying(InvalidCadenceException.class, e -> assertThat(e.problem()).isEqualTo(problem));
    }
}
