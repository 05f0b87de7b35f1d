package io.punctual.executor.letta;

import org.junit.jupiter.api.Test;

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
    void excerptsAreBounded() {
        assertThat(new LettaAnswer(500, "x".repeat(2000)).bodyExcerpt(500)).hasSize(500);
        assertThat(new LettaAnswer(500, "short").bodyExcerpt(500)).isEqualTo("short");
    }
}
