package io.punctual.planner;

import io.punctual.planner.command.SpecGuard;
import io.punctual.kernel.kafkatarget.KafkaTopicPolicy;
import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.schemas.serde.InMemorySchemaRegistry;
import io.punctual.schemas.serde.TopicSerdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * A fresh planner per test, on its own state directory, with serdes over a registry in memory: a TopologyTestDriver
 * needs schema ids, not a broker (the registry over HTTP is proven by RegistryOutageTest and the service tests).
 */
abstract class PlannerTestBase {
    static TopicSerdes serdes;

    @TempDir
    Path stateDir;

    private PlannerHarness harness;

    @BeforeAll
    static void registryInMemory() {
        serdes = new TopicSerdes(new InMemorySchemaRegistry());
    }

    PlannerHarness planner() {
        return planner(UnaryOperator.identity(), PlannerHarness.START);
    }

    PlannerHarness planner(UnaryOperator<PlannerSettings> settings, Instant start) {
        return planner(settings, start, SpecGuard.none(), LifecycleSettings.defaults());
    }

    PlannerHarness planner(UnaryOperator<PlannerSettings> settings, Instant start, SpecGuard guard) {
        return planner(settings, start, guard, LifecycleSettings.defaults());
    }

    PlannerHarness planner(UnaryOperator<PlannerSettings> settings, LifecycleSettings lifecycle, Instant start) {
        return planner(settings, start, SpecGuard.none(), lifecycle);
    }

    PlannerHarness planner(UnaryOperator<PlannerSettings> settings, Instant start, SpecGuard guard, LifecycleSettings lifecycle) {
        if (harness != null) {
            harness.close();
        }
        // No fire lead unless a test asks for one: these tests pin when each fire is emitted to the millisecond of
        // its due time; FireLeadTest pins how the lead moves that.
        PlannerSettings base = PlannerSettings.defaults().withStateDir(stateDir).withFireLead(Duration.ZERO);
        harness = new PlannerHarness(serdes, settings.apply(base), start, guard, lifecycle);
        return harness;
    }

    /** A planner whose Kafka targets may write to what {@code kafkaTopics} allows. */
    PlannerHarness planner(KafkaTopicPolicy kafkaTopics) {
        return planner(UnaryOperator.identity(), PlannerHarness.START, SpecGuard.kafkaTopicsOnly(kafkaTopics));
    }

    @AfterEach
    void closePlanner() {
        if (harness != null) {
            harness.close();
            harness = null;
        }
    }
}
