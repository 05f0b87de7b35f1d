package io.punctual.standalone.drill;

import io.punctual.embedded.kafka.EmbeddedKafka;
import io.punctual.embedded.registry.EmbeddedSchemaRegistry;
import io.punctual.schemas.Outcome;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.schemas.topic.Topics;
import io.punctual.testkit.LettaStandIn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drill 4: the schema registry unreachable for 30 s while commands and fires flow. A first wave of one-time
 * schedules comes due during the outage; a second wave of create commands is produced to {@code punctual.commands}
 * during it, written with a newer version of the command schema (one more optional field, registered before the
 * outage): the planner has never read that schema, so it must wait for the registry, not set the commands aside. Then the registry is started
 * again on the same port, its state read back from its Kafka topic. Planner, executor and gateway run throughout;
 * every fire of both waves ends with exactly one final result ({@code DELIVERED}) and none is missing (a create the
 * planner set aside as a dead letter during the outage would show as a missing fire).
 */
@ExtendWith(DrillAwaits.class)
class RegistryOutageDrillTest {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryOutageDrillTest.class);
    private static final int FIRES_PER_WAVE = 1_000;
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void aRegistryOutageLosesNoCommandAndNoFire() {
        long started = System.nanoTime();
        KeyMaterial keys = KeyMaterial.readOrCreate(dataDir.resolve("keyset.json"));
        int registryPort = ChildJvm.freePort();
        try (LettaStandIn letta = new LettaStandIn();
             EmbeddedKafka kafka = EmbeddedKafka.builder().dataDirectory(dataDir.resolve("kafka")).build().start()) {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers()).port(registryPort).build().start();
            String registryUrl = registry.url();
            try (LocalServices services = LocalServices.start(kafka.bootstrapServers(), registryUrl, dataDir, letta.baseUrl(),
                    Map.of(ConfigKeys.PLANNER_ONCE_GRACE, Burst.ONCE_GRACE))) {
                Burst first = Burst.create(kafka.bootstrapServers(), registryUrl, keys, FIRES_PER_WAVE, 200,
                        Instant.now().plusSeconds(10), Duration.ofSeconds(30), UnaryOperator.identity());
                // The second wave is written by a "newer client" with a schema version nobody has read yet: the
                // planner must fetch it from the registry, which will be down when these commands arrive.
                NewerCommandSchema newer = NewerCommandSchema.register(registryUrl);
                Burst second = Burst.prepare(keys, FIRES_PER_WAVE, 200, Instant.now().plusSeconds(20), Duration.ofSeconds(30),
                        UnaryOperator.identity(), newer::serialize);
                await("first fires delivered").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                        .until(() -> letta.requests().size() >= 50);

                registry.close();
                Instant down = Instant.now();
                LOG.info("Drill 4: schema registry stopped");
                second.send(kafka.bootstrapServers());
                long sentAt = Duration.between(down, Instant.now()).toMillis();
                await("the outage has lasted " + OUTAGE).atMost(OUTAGE.plusSeconds(5))
                        .until(() -> Duration.between(down, Instant.now()).compareTo(OUTAGE) >= 0);
                long deliveredDuringOutage = letta.requests().stream().filter(r -> r.isMessage() && !r.receivedAt().isBefore(down)).count();
                registry = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers()).port(registryPort).build().start();
                LOG.info("Drill 4: schema registry back after {} s; second wave sent {} ms into the outage; {} deliveries during it",
                        OUTAGE.toSeconds(), sentAt, deliveredDuringOutage);

                Set<String> fires = new HashSet<>(first.fireIds());
                fires.addAll(second.fireIds());
                try (FireLedger ledger = new FireLedger(fires, kafka.bootstrapServers(), registryUrl)) {
                    ledger.awaitEveryFireFinal(Duration.ofMinutes(4),
                            () -> FireLedger.committedRecords(kafka.bootstrapServers(), Topics.COMMANDS_DLQ.name()) > 0);
                    assertThat(FireLedger.committedRecords(kafka.bootstrapServers(), Topics.COMMANDS_DLQ.name()))
                            .as("commands set aside as dead letters (the registry was only unreachable)").isZero();
                    Map<Outcome, Long> outcomes = ledger.assertExactlyOneFinalResultEach("drill 4: registry down 30 s");
                    assertThat(outcomes).containsExactly(Map.entry(Outcome.DELIVERED, (long) fires.size()));
                    ledger.countDuplicateDeliveries("drill 4: registry down 30 s", letta);
                }
                System.out.printf("[drill 4] %d fires, registry down %d s (%d deliveries meanwhile), done in %d s%n", fires.size(),
                        OUTAGE.toSeconds(), deliveredDuringOutage, (System.nanoTime() - started) / 1_000_000_000);
            } finally {
                registry.close();
            }
        }
    }
}
