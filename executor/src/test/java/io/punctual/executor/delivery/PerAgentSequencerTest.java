package io.punctual.executor.delivery;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class PerAgentSequencerTest {

    @Test
    void runsOneAgentsTasksOneAfterTheOtherInOrder() {
        PerAgentSequencer sequencer = new PerAgentSequencer();
        List<CompletableFuture<String>> pending = new ArrayList<>();
        List<String> started = new ArrayList<>();
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (String name : List.of("first", "second", "third")) {
            results.add(sequencer.submit("agent-a", () -> {
                started.add(name);
                CompletableFuture<String> f = new CompletableFuture<>();
                pending.add(f);
                return f;
            }));
        }

        assertThat(started).containsExactly("first");
        pending.get(0).complete("1");
        assertThat(started).containsExactly("first", "second");
        pending.get(1).completeExceptionally(new RuntimeException("boom"));
        assertThat(started).containsExactly("first", "second", "third");
        pending.get(2).complete("3");

        assertThat(results.get(0)).isCompletedWithValue("1");
        assertThat(results.get(1)).isCompletedExceptionally();
        assertThat(results.get(2)).isCompletedWithValue("3");
        assertThat(sequencer.activeAgents()).isZero();
    }

    @Test
    void runsDifferentAgentsTasksTogether() {
        PerAgentSequencer sequencer = new PerAgentSequencer();
        List<String> started = new ArrayList<>();
        sequencer.submit("agent-a", () -> {
            started.add("a");
            return new CompletableFuture<>();
        });
        sequencer.submit("agent-b", () -> {
            started.add("b");
            return new CompletableFuture<>();
        });

        assertThat(started).containsExactly("a", "b");
        assertThat(sequencer.activeAgents()).isEqualTo(2);
    }
}
