package io.punctual.standalone.drill;

import io.punctual.embedded.kafka.EmbeddedKafka;
import io.punctual.embedded.registry.EmbeddedSchemaRegistry;
import io.punctual.planner.PlannerApplication;
import io.punctual.schemas.Outcome;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drill 2: the planner, a process of its own ({@link PlannerApplication}), killed with SIGKILL in the middle of a
 * burst and started again with its state directory wiped, so it must restore every schedule from its changelog
 * topics and rebuild the time index from them. The broker, registry and executor (this JVM) the test owns keep running. Every fire
 * ends with exactly one final result ({@code DELIVERED}), none is missing, and no fire is emitted twice in a way
 * that reaches Letta twice unnoticed: duplicates are counted and printed.
 */
@ExtendWith(DrillAwaits.class)
class PlannerKillDrillTest {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerKillDrillTest.class);
    private static final int FIRES = 5_000;

    @TempDir
    Path dataDir;

    @Test
    void aKilledPlannerRestoredFromChangelogsLosesNoFire() throws IOException {
        long started = System.nanoTime();
        KeyMaterial keys = KeyMaterial.readOrCreate(dataDir.resolve("keyset.json"));
        Path plannerState = dataDir.resolve("planner-process");
        try (LettaStandIn letta = new LettaStandIn();
             EmbeddedKafka kafka = EmbeddedKafka.builder().dataDirectory(dataDir.resolve("kafka")).build().start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers()).build().start();
             LocalServices executor = LocalServices.start(kafka.bootstrapServers(), registry.url(), dataDir, letta.baseUrl(), Map.of(
                     ConfigKeys.PLANNER_ENABLED, false, ConfigKeys.GATEWAY_ENABLED, false))) {
            Map<String, String> env = Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "SCHEMA_REGISTRY_URL", registry.url(),
                    "PUNCTUAL_KEYSET_PATH", dataDir.resolve("keyset.json").toString(),
                    "PUNCTUAL_PLANNER_STATE_DIR", plannerState.toString(),
                    "PUNCTUAL_TOPICS_REPLICATION_FACTOR", "1",
                    "PUNCTUAL_PLANNER_ONCE_GRACE", Burst.ONCE_GRACE,
                    // A killed member stays in the group until its session expires (Kafka's default 45 s); the
                    // restarted planner's tasks wait for that, so the drill shortens it as an operator may.
                    "KAFKA_SESSION_TIMEOUT_MS", "10000");
            ChildJvm planner = ChildJvm.start("drill2-planner-0", PlannerApplication.class, env);
            try {
                Burst burst = Burst.create(kafka.bootstrapServers(), registry.url(), keys, FIRES, 500,
                        Instant.now().plusSeconds(15), Duration.ofSeconds(30), UnaryOperator.identity());
                await("40% of the fires delivered").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                        .until(() -> deliveries(letta) >= FIRES * 2 / 5);
                planner.kill();
                long atKill = deliveries(letta);
                deleteRecursively(plannerState);
                assertThat(plannerState).doesNotExist();
                LOG.info("Drill 2: planner killed after {} deliveries, state directory wiped", atKill);
                planner = ChildJvm.start("drill2-planner-1", PlannerApplication.class, env);

                try (FireLedger ledger = new FireLedger(burst.fireIds(), kafka.bootstrapServers(), registry.url())) {
                    ledger.awaitEveryFireFinal(Duration.ofMinutes(5));
                    Map<Outcome, Long> outcomes = ledger.assertExactlyOneFinalResultEach("drill 2: planner SIGKILL + wiped state");
                    assertThat(outcomes).containsExactly(Map.entry(Outcome.DELIVERED, (long) FIRES));
                    ledger.countDuplicateDeliveries("drill 2: planner SIGKILL + wiped state", letta);
                }
                System.out.printf("[drill 2] %d fires, planner killed after %d deliveries and restored from changelogs, done in %d s%n",
                        FIRES, atKill, (System.nanoTime() - started) / 1_000_000_000);
            } finally {
                planner.close();
            }
        }
    }

    private static long deliveries(LettaStandIn letta) {
        return letta.requests().stream().filter(RecordedRequest::isMessage).count();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
