package io.punctual.planner.cadence;

import io.punctual.schemas.CronCadence;
import io.punctual.schemas.OnceCadence;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NextFireCalculatorTest {
    private static final Instant NOW = Instant.parse("2025-03-03T07:57:30Z");
    private final NextFireCalculator calculator = new NextFireCalculator(Duration.ofSeconds(60));

    @Test
    void cronCountsFromNowInItsZone() throws InvalidCadenceException {
        assertThat(calculator.first(new CronCadence("*/5 * * * *", "UTC"), NOW)).isEqualTo(Instant.parse("2025-03-03T08:00:00Z"));
        assertThat(calculator.first(new CronCadence("30 7 * * *", "America/New_York"), NOW))
                .isEqualTo(Instant.parse("2025-03-03T12:30:00Z"));
    }

    @Test
    void aFireExactlyOnABoundaryIsNotTheNextOne() throws InvalidCadenceException {
        Instant boundary = Instant.parse("2025-03-03T08:00:00Z");

        assertThat(calculator.first(new CronCadence("*/5 * * * *", "UTC"), boundary)).isEqualTo(boundary.plusSeconds(300));
        assertThat(calculator.after(new CronCadence("*/5 * * * *", "UTC"), boundary, boundary)).contains(boundary.plusSeconds(300));
    }

    @Test
    void afterAFireItCountsFromTheLaterOfTheFireAndNow() {
        Instant fired = Instant.parse("2025-03-03T08:00:00Z");
        CronCadence everyFive = new CronCadence("*/5 * * * *", "UTC");

        assertThat(calculator.after(everyFive, fired, fired.plusMillis(40))).contains(Instant.parse("2025-03-03T08:05:00Z"));
        assertThat(calculator.after(everyFive, fired, Instant.parse("2025-03-03T09:02:00Z"))).contains(Instant.parse("2025-03-03T09:05:00Z"));
    }

    @Test
    void aOneTimeCadenceFiresOnceAtItsInstantWithinTheGrace() throws InvalidCadenceException {
        Instant at = NOW.minusSeconds(60);

        assertThat(calculator.first(new OnceCadence(at), NOW)).isEqualTo(at);
        assertThat(calculator.after(new OnceCadence(at), at, NOW)).isEmpty();
        assertThatThrownBy(() -> calculator.first(new OnceCadence(at.minusMillis(1)), NOW))
                .isInstanceOfSatisfying(InvalidCadenceException.class, e -> assertThat(e.problem()).isEqualTo(CadenceProblem.IN_THE_PAST));
    }

    @Test
    void problemsAreNamed() {
        assertThatThrownBy(() -> calculator.first(new CronCadence("* * * * * *", "UTC"), NOW))
                .isInstanceOfSatisfying(InvalidCadenceException.class, e -> assertThat(e.problem()).isEqualTo(CadenceProblem.INVALID_CRON));
        assertThatThrownBy(() -> calculator.first(new CronCadence("*/5 * * * *", ""), NOW))
                .isInstanceOfSatisfying(InvalidCadenceException.class, e -> assertThat(e.problem()).isEqualTo(CadenceProblem.INVALID_TIMEZONE));
        assertThatThrownBy(() -> calculator.first(new CronCadence("*/5 * * * *", "Europe/Atlantis"), NOW))
                .isInstanceOfSatisfying(InvalidCadenceException.class, e -> assertThat(e.problem()).isEqualTo(CadenceProblem.INVALID_TIMEZONE));
    }
}
