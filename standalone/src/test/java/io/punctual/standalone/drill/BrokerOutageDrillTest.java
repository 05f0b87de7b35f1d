package io.punctual.standalone.drill;

import io.punctual.embedded.registry.EmbeddedSchemaRegistry;
import io.punctual.schemas.Outcome;
import io.punctual.kernel.config.ConfigKeys;
import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drill 3: the broker stopped for 30 s in the middle of a burst and started again on the same data directory and
 * port. The broker runs in a process of its own ({@link BrokerMain}); the registry, planner, executor and gateway
 * run in this JVM and are not restarted: they must ride out the outage. Every fire ends with exactly one final
 * result ({@code DELIVERED}), none is missing; fires delivered twice are counted and printed.
 */
@ExtendWith(DrillAwaits.class)
class BrokerOutageDrillTest {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerOutageDrillTest.class);
    private static final int FIRES = 3_000;
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void aBrokerStoppedForThirtySecondsLosesNoFire() {
        long started = System.nanoTime();
        KeyMaterial keys = KeyMaterial.readOrCreate(dataDir.resolve("keyset.json"));
        int port = ChildJvm.freePort();
        String bootstrap = "localhost:" + port;
        String brokerData = dataDir.resolve("kafka").toString();
        ChildJvm broker = startBroker(brokerData, port, 0);
        try (LettaStandIn letta = new LettaStandIn();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder(bootstrap).build().start();
             LocalServices services = LocalServices.start(bootstrap, registry.url(), dataDir, letta.baseUrl(),
                     Map.of(ConfigKeys.PLANNER_ONCE_GRACE, Burst.ONCE_GRACE))) {
            Burst burst = Burst.create(bootstrap, registry.url(), keys, FIRES, 300, Instant.now().plusSeconds(10),
                    Duration.ofSeconds(40), UnaryOperator.identity());
            await("a third of the fires delivered").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> deliveries(letta) >= FIRES / 3);

            broker.stop();
            Instant down = Instant.now();
            long atStop = deliveries(letta);
            await("the outage has lasted " + OUTAGE).atMost(OUTAGE.plusSeconds(5))
                    .until(() -> Duration.between(down, Instant.now()).compareTo(OUTAGE) >= 0);
            long duringOutage = deliveries(letta) - atStop;
            broker = startBroker(brokerData, port, 1);
            LOG.info("Drill 3: broker stopped after {} deliveries, back after {} s; {} deliveries while it was down",
                    atStop, OUTAGE.toSeconds(), duringOutage);

            try (FireLedger ledger = new FireLedger(burst.fireIds(), bootstrap, registry.url())) {
                ledger.awaitEveryFireFinal(Duration.ofMinutes(5));
                Map<Outcome, Long> outcomes = ledger.assertExactlyOneFinalResultEach("drill 3: broker down 30 s");
                assertThat(outcomes).containsExactly(Map.entry(Outcome.DELIVERED, (long) FIRES));
                ledger.countDuplicateDeliveries("drill 3: broker down 30 s", letta);
            }
            System.out.printf("[drill 3] %d fires, broker down %d s, done in %d s%n", FIRES, OUTAGE.toSeconds(),
                    (System.nanoTime() - started) / 1_000_000_000);
        } finally {
            broker.close();
        }
    }

    private static long deliveries(LettaStandIn letta) {
        return letta.requests().stream().filter(RecordedRequest::isMessage).count();
    }

    private static ChildJvm startBroker(String dataDir, int port, int run) {
        ChildJvm broker = ChildJvm.start("drill3-broker-" + run, BrokerMain.class, Map.of(), dataDir, Integer.toString(port));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port))) {
            await("broker run " + run + " up").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> {
                        assertThat(broker.isAlive()).as("broker alive, see " + broker.log()).isTrue();
                        return admin.describeCluster().nodes().get().size() == 1;
                    });
        }
        return broker;
    }
}
