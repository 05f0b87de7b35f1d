package io.punctual.planner.fire;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ScanCommitsTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);

    @Test
    void aScanThatEmittedFiresDueWithinTheCommitIntervalCommitsAtOnce() {
        assertThat(ScanCommits.shouldAsk(10_000, 10_000, INTERVAL)).isTrue();
        assertThat(ScanCommits.shouldAsk(9_901, 10_000, INTERVAL)).isTrue();
        assertThat(ScanCommits.shouldAsk(10_400, 10_000, INTERVAL)).as("emitted ahead, within the fire lead").isTrue();
    }

    @Test
    void noFiresOrOnlyOverdueOnesWaitForTheInterval() {
        assertThat(ScanCommits.shouldAsk(Long.MIN_VALUE, 10_000, INTERVAL)).isFalse();
        assertThat(ScanCommits.shouldAsk(9_900, 10_000, INTERVAL)).isFalse();
        assertThat(ScanCommits.shouldAsk(4_000, 10_000, INTERVAL)).isFalse();
    }
}
