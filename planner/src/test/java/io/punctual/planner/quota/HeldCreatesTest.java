package io.punctual.planner.quota;

import io.punctual.schemas.ScheduleCommand;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A task's held creates apart from Kafka Streams: each tenant's order, the bound, and what a restarted task reads back. */
class HeldCreatesTest {
    private KeyValueStore<String, byte[]> store;

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("quota-held"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @Test
    void eachTenantsCreatesGoInTheOrderTheyWereHeldAndLeaveTheStore() {
        HeldCreates held = new HeldCreates(store, 100);
        ScheduleCommand command = new ScheduleCommand();
        for (int i = 0; i < 12; i++) {
            held.hold(i % 2 == 0 ? "a" : "b", "s-" + i, 1_000 + i, bytes("create " + i), command);
        }
        assertThat(held.size()).isEqualTo(12);
        assertThat(held.tenants()).containsExactlyInAnyOrder("a", "b");
        for (int i = 0; i < 12; i += 2) {
            HeldCreates.Held first = held.first("a");
            assertThat(first.key()).isEqualTo("s-" + i);
            assertThat(first.timestamp()).isEqualTo(1_000 + i);
            assertThat(first.bytes()).isEqualTo(bytes("create " + i));
            assertThat(first.command()).isSameAs(command);
            held.release("a");
        }
        assertThat(held.first("a")).isNull();
        assertThat(held.tenants()).containsExactly("b");
        assertThat(store.approximateNumEntries()).isEqualTo(6);
    }

    @Test
    void aRestartedTaskReadsItsHeldCreatesBackInOrderAndHoldsNewOnesBehindThem() {
        HeldCreates before = new HeldCreates(store, 100);
        for (int i = 0; i < 11; i++) {
            before.hold("t", "s-" + i, i, bytes("create " + i), new ScheduleCommand());
        }
        before.release("t");

        HeldCreates restored = new HeldCreates(store, 100);
        assertThat(restored.size()).isEqualTo(10);
        restored.hold("t", "s-new", 99, bytes("new"), new ScheduleCommand());
        for (int i = 1; i < 11; i++) {
            HeldCreates.Held first = restored.first("t");
            assertThat(first.key()).isEqualTo("s-" + i);
            assertThat(first.timestamp()).isEqualTo(i);
            assertThat(first.bytes()).isEqualTo(bytes("create " + i));
            assertThat(first.command()).as("decoded and checked again").isNull();
            restored.release("t");
        }
        assertThat(restored.first("t").key()).isEqualTo("s-new");
    }

    @Test
    void aTaskHoldsNoMoreThanItsCapacity() {
        HeldCreates held = new HeldCreates(store, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(held.hasRoom()).isTrue();
            held.hold("t", "s-" + i, i, bytes("c"), null);
        }
        assertThat(held.hasRoom()).isFalse();
        held.release("t");
        assertThat(held.hasRoom()).isTrue();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
