package io.punctual.planner.command;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class CommandCommitsTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration GAP = Duration.ofMillis(25);

    /** A task's instance on a stream thread of its own. */
    private static CommandCommits alone() {
        CommandCommits.ThreadAsks thread = new CommandCommits.ThreadAsks();
        return new CommandCommits(INTERVAL, GAP, () -> thread);
    }

    @Test
    void aFreshCommandAsksAtOnce() {
        CommandCommits commits = alone();
        assertThat(commits.handled(9_990, 10_000)).isTrue();
        assertThat(commits.takePending(10_025)).as("nothing left for the punctuation").isFalse();
    }

    @Test
    void freshCommandsWithinTheGapAskOnceMoreAtTheNextPunctuation() {
        CommandCommits commits = alone();
        assertThat(commits.handled(10_000, 10_000)).isTrue();
        assertThat(commits.handled(10_001, 10_001)).isFalse();
        assertThat(commits.handled(10_010, 10_010)).isFalse();
        assertThat(commits.takePending(10_020)).as("a punctuation within the gap leaves it pending").isFalse();
        assertThat(commits.takePending(10_025)).isTrue();
        assertThat(commits.takePending(10_050)).as("asked once for both").isFalse();
        // The punctuation's ask starts the gap again.
        assertThat(commits.handled(10_030, 10_030)).isFalse();
        assertThat(commits.handled(10_050, 10_050)).isTrue();
    }

    @Test
    void aBacklogWaitsForTheInterval() {
        CommandCommits commits = alone();
        assertThat(commits.handled(9_900, 10_000)).isFalse();
        assertThat(commits.handled(1_000, 10_100)).isFalse();
        assertThat(commits.takePending(10_200)).isFalse();
    }

    @Test
    void aCommitAskedForFiresCarriesThePendingCommands() {
        CommandCommits commits = alone();
        assertThat(commits.handled(10_000, 10_000)).isTrue();
        assertThat(commits.handled(10_005, 10_005)).isFalse();
        commits.asked(10_010);
        assertThat(commits.takePending(10_035)).isFalse();
        assertThat(commits.handled(10_020, 10_020)).as("within the gap of that ask").isFalse();
        assertThat(commits.handled(10_040, 10_040)).isTrue();
    }

    @Test
    void theTasksOfOneStreamThreadShareTheGap() {
        CommandCommits.ThreadAsks thread = new CommandCommits.ThreadAsks();
        CommandCommits first = new CommandCommits(INTERVAL, GAP, () -> thread);
        CommandCommits second = new CommandCommits(INTERVAL, GAP, () -> thread);
        assertThat(first.handled(10_000, 10_000)).isTrue();
        assertThat(second.handled(10_005, 10_005)).as("the thread asked 5 ms ago").isFalse();
        assertThat(first.handled(10_010, 10_010)).isFalse();
        assertThat(first.takePending(10_026)).isTrue();
        assertThat(second.takePending(10_030)).as("covered by the first task's ask, which commits the whole thread").isFalse();
        // An ask covers only what was handled before it.
        assertThat(second.handled(10_040, 10_040)).isFalse();
        first.asked(10_045);
        assertThat(second.handled(10_050, 10_050)).isFalse();
        assertThat(second.takePending(10_070)).as("handled after the first task's ask").isTrue();
        // A task on another thread is not held back by this one's asks.
        assertThat(alone().handled(10_027, 10_027)).isTrue();
    }

    @Test
    void otherWorkAsksAtAPunctuationOnceTheLastAskIsACommitIntervalOld() {
        CommandCommits commits = alone();
        commits.worked(10_000);
        assertThat(commits.takePending(10_000)).as("a thread that never asked asks at its first punctuation").isTrue();
        assertThat(commits.takePending(10_025)).as("nothing left").isFalse();
        commits.worked(10_030);
        assertThat(commits.takePending(10_050)).as("the last ask is 50 ms old").isFalse();
        assertThat(commits.takePending(10_075)).isFalse();
        assertThat(commits.takePending(10_100)).as("a commit interval after the last ask").isTrue();
        assertThat(commits.takePending(10_200)).as("asked once").isFalse();
    }

    @Test
    void anIdleTaskNeverAsks() {
        CommandCommits commits = alone();
        for (long now = 10_000; now < 20_000; now += 25) {
            assertThat(commits.takePending(now)).isFalse();
        }
    }

    @Test
    void anAskCoversTheWorkBeforeIt() {
        CommandCommits.ThreadAsks thread = new CommandCommits.ThreadAsks();
        CommandCommits first = new CommandCommits(INTERVAL, GAP, () -> thread);
        CommandCommits second = new CommandCommits(INTERVAL, GAP, () -> thread);
        second.worked(10_000);
        // A fresh command of another task of the thread asks at once; that commit carries the second task's work.
        assertThat(first.handled(10_005, 10_005)).isTrue();
        assertThat(second.takePending(10_200)).as("covered by the first task's ask").isFalse();
        // A command's own ask carries the work of its record, marked before it.
        first.worked(10_300);
        assertThat(first.handled(10_300, 10_300)).isTrue();
        assertThat(first.takePending(10_500)).isFalse();
        // Work done after an ask of the same millisecond is not taken as carried by it.
        first.worked(10_300);
        assertThat(first.takePending(10_399)).isFalse();
        assertThat(first.takePending(10_400)).isTrue();
    }

    @Test
    void staleCommandsAreWorkAskedForAtTheInterval() {
        CommandCommits commits = alone();
        commits.asked(10_000);
        commits.worked(10_010);
        assertThat(commits.handled(1_000, 10_010)).as("stale: no ask of its own").isFalse();
        assertThat(commits.takePending(10_025)).isFalse();
        assertThat(commits.takePending(10_100)).isTrue();
    }

    @Test
    void aHopKeepsTheCommandsTimeWithinAnHourOfNow() {
        CommandCommits commits = alone();
        assertThat(commits.hopTimestamp(9_990, 10_000)).isEqualTo(9_990);
        assertThat(commits.hopTimestamp(5_000, 10_000)).as("stale stays as stale").isEqualTo(5_000);
        long hour = CommandCommits.HOP_MAX_AGE.toMillis();
        assertThat(commits.hopTimestamp(1_000, 1_000 + 2 * hour)).as("not ancient").isEqualTo(1_000 + hour);
        assertThat(commits.handled(commits.hopTimestamp(5_000, 10_000), 10_001)).isFalse();
        assertThat(commits.hopTimestamp(20_000, 10_000)).as("not in the future").isEqualTo(10_000);
    }
}
