package io.punctual.planner;

import io.punctual.planner.lifecycle.LifecycleSettings;
import io.punctual.schemas.serde.TopicSerdes;
import io.punctual.testkit.KafkaFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.UnaryOperator;

/** A fresh planner per test, on its own state directory, with serdes over the shared test registry. */
abstract class PlannerTestBase {
    static TopicSerdes serdes;

    @TempDir
    Path stateDir;

    private PlannerHarness harness;

    @BeforeAll
    static void connectRegistry() {
        serdes = new TopicSerdes(KafkaFixture.shared().schemaRegistryUrl());
    }

    PlannerHarness planner() {
        return planner(UnaryOperator.identity(), PlannerHarness.START);
    }

    PlannerHarness planner(UnaryOperator<PlannerSettings> settings, Instant start) {
        return planner(settings, LifecycleSettings.defaults(), start);
    }

    PlannerHarness planner(UnaryOperator<PlannerSettings> settings, LifecycleSettings lifecycle, Instant start) {
        if (harness != null) {
            harness.close();
        }
        harness = new PlannerHarness(serdes, settings.apply(PlannerSettings.defaults().withStateDir(stateDir)), lifecycle, start);
        return harness;
    }

    @AfterEach
    void closePlanner() {
        if (harness != null) {
            harness.close();
            harness = null;
        }
    }
}
