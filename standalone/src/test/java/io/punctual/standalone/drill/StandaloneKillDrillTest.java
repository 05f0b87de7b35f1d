package io.punctual.standalone.drill;

import io.punctual.kernel.secrets.KeyMaterial;
import io.punctual.standalone.PunctualMain;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drill 1: the whole standalone (broker, registry, planner, executor, gateway in one process) killed with SIGKILL
 * three times during a burst of 20,000 one-time fires due within one minute, each time restarted on the same data
 * directory and ports. Every fire ends with exactly one final result, none is missing; fires delivered twice
 * (answered by Letta, result not yet committed at the kill) are counted and printed.
 *
 * <p>One tenant owns the whole burst, twice the default per-tenant quota (10,000 live schedules): the drill lifts the
 * quota for its standalone, or the planner would refuse half of the creates and the drill would wait for fires that
 * were never admitted.
 */
@ExtendWith(DrillAwaits.class)
class StandaloneKillDrillTest {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneKillDrillTest.class);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int FIRES = 20_000;
    private static final int AGENTS = 2_000;
    private static final double[] KILL_AT = {0.2, 0.45, 0.7};

    // Kept when the drill fails: the broker's topics (punctual.due, punctual.results) are where a lost fire is traced.
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dataDir;

    @Test
    void threeKillsDuringABurstLoseNoFireAndRecordNoneTwice() throws Exception {
        long started = System.nanoTime();
        KeyMaterial keys = KeyMaterial.readOrCreate(dataDir.resolve("keyset.json"));
        int kafkaPort = ChildJvm.freePort();
        int registryPort = ChildJvm.freePort();
        int httpPort = ChildJvm.freePort();
        try (LettaStandIn letta = new LettaStandIn()) {
            Map<String, String> env = Map.of(
                    "PUNCTUAL_DATA_DIR", dataDir.toString(),
                    "PUNCTUAL_KAFKA_PORT", Integer.toString(kafkaPort),
                    "PUNCTUAL_REGISTRY_PORT", Integer.toString(registryPort),
                    "PUNCTUAL_HTTP_PORT", Integer.toString(httpPort),
                    "PUNCTUAL_LETTA_BASE_URL", letta.baseUrl(),
                    "PUNCTUAL_PLANNER_ONCE_GRACE", Burst.ONCE_GRACE,
                    // One tenant holds all 20,000: above the default quota of 10,000 live schedules, which refused
                    // half of the burst (the stall after the second restart was that, not lost fires).
                    "PUNCTUAL_PLANNER_MAX_SCHEDULES_PER_TENANT", "0");
            String bootstrap = "localhost:" + kafkaPort;
            String registry = "http://localhost:" + registryPort;
            ChildJvm punctual = startHealthy(env, httpPort, 0);
            try {
                Burst burst = Burst.create(bootstrap, registry, keys, FIRES, AGENTS, Instant.now().plusSeconds(15),
                        Duration.ofMinutes(1), UnaryOperator.identity());
                LOG.info("Drill 1: {} schedules created, due within one minute; data in {} (kept if the drill fails)", burst.size(), dataDir);
                for (int kill = 0; kill < KILL_AT.length; kill++) {
                    long target = (long) (FIRES * KILL_AT[kill]);
                    await("deliveries reach " + target).atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                            .until(() -> deliveries(letta) >= target);
                    punctual.kill();
                    long delivered = deliveries(letta);
                    LOG.info("Drill 1: kill {} after {} deliveries", kill + 1, delivered);
                    assertThat(distinctFiresDelivered(letta)).as("kill %d lands while fires are still being delivered", kill + 1)
                            .isLessThan(FIRES);
                    // Between kills the next target is awaited as soon as the process runs, not once it reports
                    // healthy: a restarted executor drains its backlog before the gateway is up, and waiting for
                    // health let the last kill land after the whole burst had been delivered.
                    punctual = kill + 1 < KILL_AT.length
                            ? ChildJvm.start("drill1-standalone-" + (kill + 1), PunctualMain.class, env)
                            : startHealthy(env, httpPort, kill + 1);
                }
                try (FireLedger ledger = new FireLedger(burst.fireIds(), bootstrap, registry)) {
                    ledger.awaitEveryFireFinal(Duration.ofMinutes(8));
                    ledger.assertExactlyOneFinalResultEach("drill 1: standalone SIGKILL x3");
                    assertThat(ledger.countDuplicateDeliveries("drill 1: standalone SIGKILL x3", letta)).isLessThan(FIRES);
                }
                System.out.printf("[drill 1] %d fires, 3 kills, done in %d s%n", FIRES, (System.nanoTime() - started) / 1_000_000_000);
            } finally {
                punctual.close();
            }
        }
    }

    private static long deliveries(LettaStandIn letta) {
        return letta.requests().stream().filter(RecordedRequest::isMessage).count();
    }

    private static long distinctFiresDelivered(LettaStandIn letta) {
        return letta.requests().stream().filter(RecordedRequest::isMessage)
                .map(r -> r.header("Idempotency-Key").orElse("")).distinct().count();
    }

    private static ChildJvm startHealthy(Map<String, String> env, int httpPort, int run) {
        long started = System.nanoTime();
        ChildJvm punctual = ChildJvm.start("drill1-standalone-" + run, PunctualMain.class, env);
        URI health = URI.create("http://localhost:" + httpPort + "/health");
        await("standalone run " + run + " healthy").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> {
                    assertThat(punctual.isAlive()).as("standalone process alive, see " + punctual.log()).isTrue();
                    return HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
        LOG.info("Drill 1: standalone run {} healthy in {} ms", run, (System.nanoTime() - started) / 1_000_000);
        return punctual;
    }
}
