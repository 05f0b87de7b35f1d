package io.punctual.executor.letta;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LettaAnswerTest {

    @Test
    void readsTheRunIdOfAnAsyncAnswer() {
        assertThat(new LettaAnswer(200, "{\"id\":\"run-123\",\"status\":\"created\"}").runId()).contains("run-123");
    }

    @Test
    void hasNoRunIdWhenTheBodyIsNoRun() {
        assertThat(new LettaAnswer(200, "").runId()).isEmpty();
        assertThat(new LettaAnswer(200, "<html>").runId()).isEmpty();
        assertThat(new LettaAnswer(200, "{\"messages\":[]}").runId()).isEmpty();
    }

    @Test
    void readsTheEndOfARunWhereLettaGivesIt() {
        LettaAnswer run = new LettaAnswer(200, "{\"id\":\"run-1\",\"status\":\"completed\",\"completed_at\":\"2026-11-29T00:10:00.123\","
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"total_tokens\":42}}");
        assertThat(run.runStatus()).contains("completed");
        assertThat(run.runCompletedAt()).contains(Instant.parse("2026-11-29T00:10:00.123Z"));
        assertThat(run.stopReason()).contains("end_turn");
        assertThat(run.usageJson()).contains("{\"total_tokens\":42}");

        LettaAnswer bare = new LettaAnswer(200, "{\"id\":\"run-2\",\"status\":\"running\",\"completed_at\":null,"
                + "\"stop_reason\":{\"message_type\":\"stop_reason\",\"stop_reason\":\"max_steps\"},\"usage\":{}}");
        assertThat(bare.runCompletedAt()).isEmpty();
        assertThat(bare.stopReason()).as("the object form of a sync answer").contains("max_steps");
        assertThat(bare.usageJson()).isEmpty();
        assertThat(new LettaAnswer(200, "{\"completed_at\":\"2026-11-29T00:10:00+01:00\"}").runCompletedAt())
                .contains(Instant.parse("2026-11-28T23:10:00Z"));
    }

    @Test
    void excerptsAreBounded() {
        assertThat(new LettaAnswer(500, "x".repeat(2000)).bodyExcerpt(500)).hasSize(500);
        assertThat(new LettaAnswer(500, "short").bodyExcerpt(500)).isEqualTo("short");
    }
}
